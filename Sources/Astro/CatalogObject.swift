/// One object of a catalogue, with the columns this project uses typed and the rest kept as text in `extra`.
public struct CatalogObject: Sendable, Equatable {
    /// The catalogue's identifier (`PCC-0001`; an SDSS objID as text when the table has no other name).
    public var id: String
    /// Position, degrees (J2000); NaN when the catalogue has no position columns.
    public var ra: Double
    public var dec: Double
    /// The catalogue's magnitude (PCC total magnitude; SDSS r-band model magnitude).
    public var magnitude: Double?
    /// The catalogue's own class (PCC morphological class).
    public var objectClass: String?
    /// The label the table already carries (a `labels`/`label` column, or `--label-column`) when it is a number.
    public var label: Int?
    /// That label as written: a class number or a class name.
    public var labelText: String?
    /// SDSS spectroscopic class (`class`: GALAXY, STAR, QSO).
    public var spectralClass: String?
    /// SDSS photometric type (`type`: GALAXY, STAR).
    public var photoType: String?
    public var objID: Int64?
    public var specObjID: UInt64?
    public var flags: PhotoFlags?
    public var redshift: Double?
    public var photometry: Photometry?
    /// Galactic extinction per band (SDSS `extinction_u`...), when the table has it.
    public var extinction: Photometry?
    /// Extinction-corrected r and g-z as some queries return them (`r0`, `g_z0`).
    public var correctedR: Double?
    public var correctedGMinusZ: Double?
    /// Every other column, by name, as text.
    public var extra: [String: String]
    /// The line (text) or row (FITS) the object came from.
    public var line: Int

    public init(id: String, ra: Double, dec: Double, magnitude: Double? = nil, objectClass: String? = nil,
                label: Int? = nil, labelText: String? = nil, spectralClass: String? = nil, photoType: String? = nil, objID: Int64? = nil,
                specObjID: UInt64? = nil, flags: PhotoFlags? = nil, redshift: Double? = nil,
                photometry: Photometry? = nil, extinction: Photometry? = nil, correctedR: Double? = nil,
                correctedGMinusZ: Double? = nil, extra: [String: String] = [:], line: Int = 0) {
        self.id = id
        self.ra = ra
        self.dec = dec
        self.magnitude = magnitude
        self.objectClass = objectClass
        self.label = label
        self.labelText = labelText ?? label.map(String.init)
        self.spectralClass = spectralClass
        self.photoType = photoType
        self.objID = objID
        self.specObjID = specObjID
        self.flags = flags
        self.redshift = redshift
        self.photometry = photometry
        self.extinction = extinction
        self.correctedR = correctedR
        self.correctedGMinusZ = correctedGMinusZ
        self.extra = extra
        self.line = line
    }

    /// Whether the catalogue gave the object a position (cross-matching needs one).
    public var hasPosition: Bool { ra.isFinite && dec.isFinite }

    /// Extinction-corrected magnitudes, when both the photometry and the extinction are known.
    public var dereddenedPhotometry: Photometry? {
        guard let photometry, let extinction else { return nil }
        return photometry.dereddened(by: extinction)
    }

    /// Extinction-corrected g-z: the table's `g_z0` if it has one, else from photometry and extinction.
    public var dereddenedGMinusZ: Double? {
        correctedGMinusZ ?? dereddenedPhotometry.map { $0.colour(.g, .z) }
    }

    /// A number from `extra` (for columns such as `reds` or `petroRad_r`).
    public func extraNumber(_ column: String) -> Double? {
        extra[column].flatMap { Double($0) }
    }
}
