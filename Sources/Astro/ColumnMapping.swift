/// Which columns of a table hold which quantity. No column is always required: without `ra` and `dec` the objects have
/// no position (NaN), which is enough when the images are named after the ids; a named column that the table lacks is
/// an error naming it.
public struct ColumnMapping: Sendable, Equatable {
    /// The five column names from which `Photometry(r:uMinusG:gMinusR:rMinusI:rMinusZ:)` is built.
    public struct Colours: Sendable, Equatable {
        public var r: String
        public var uMinusG: String
        public var gMinusR: String
        public var rMinusI: String
        public var rMinusZ: String

        public init(r: String, uMinusG: String = "u_g", gMinusR: String = "g_r", rMinusI: String = "r_i",
                    rMinusZ: String = "r_z") {
            self.r = r
            self.uMinusG = uMinusG
            self.gMinusR = gMinusR
            self.rMinusI = rMinusI
            self.rMinusZ = rMinusZ
        }
    }

    /// The id column; nil numbers the objects by their line.
    public var id: String?
    /// Position columns; nil for a table without positions (objects found by id alone).
    public var ra: String?
    public var dec: String?
    public var magnitude: String?
    public var objectClass: String?
    public var label: String?
    public var spectralClass: String?
    public var photoType: String?
    public var objID: String?
    public var specObjID: String?
    public var flags: String?
    public var redshift: String?
    public var colours: Colours?
    /// `extinction_u` ... `extinction_z`, in band order.
    public var extinction: [String]?
    public var correctedR: String?
    public var correctedGMinusZ: String?

    public init(id: String?, ra: String? = "ra", dec: String? = "dec", magnitude: String? = nil,
                objectClass: String? = nil, label: String? = nil, spectralClass: String? = nil,
                photoType: String? = nil, objID: String? = nil, specObjID: String? = nil, flags: String? = nil,
                redshift: String? = nil, colours: Colours? = nil, extinction: [String]? = nil,
                correctedR: String? = nil, correctedGMinusZ: String? = nil) {
        self.id = id
        self.ra = ra
        self.dec = dec
        self.magnitude = magnitude
        self.objectClass = objectClass
        self.label = label
        self.spectralClass = spectralClass
        self.photoType = photoType
        self.objID = objID
        self.specObjID = specObjID
        self.flags = flags
        self.redshift = redshift
        self.colours = colours
        self.extinction = extinction
        self.correctedR = correctedR
        self.correctedGMinusZ = correctedGMinusZ
    }

    /// The PCC export's fields (see `CatalogTable.pccColumns`).
    public static let pcc = ColumnMapping(id: "id", magnitude: "mag", objectClass: "class")

    /// The mapping for an SDSS SkyServer/CasJobs table (or any CSV), from the columns it has: the id is `name` (a
    /// cross-match to another catalogue), `id`, `objID` or `specObjID`, the first the table has; the magnitude the
    /// first of `modelMag_r`, `R_mag`, `r`, `petroMag_r`; `ra` and `dec` when the table has either.
    public static func sdss(columns: [String]) -> ColumnMapping {
        let lower = Set(columns.map { $0.lowercased() })
        func has(_ name: String) -> String? { lower.contains(name.lowercased()) ? name : nil }
        let magnitude = ["modelMag_r", "R_mag", "r", "petroMag_r"].first { has($0) != nil }
        // A position is both columns or neither: one alone is a mistake the read names.
        let positioned = has("ra") != nil || has("dec") != nil
        var mapping = ColumnMapping(
            id: Self.idColumns.lazy.compactMap(has).first, ra: positioned ? "ra" : nil, dec: positioned ? "dec" : nil,
            magnitude: magnitude,
            label: has("labels") ?? has("label"), spectralClass: has("class"), photoType: has("type"),
            objID: has("objID"), specObjID: has("specObjID"), flags: has("flags"), redshift: has("z"),
            correctedR: has("r0"), correctedGMinusZ: has("g_z0"))
        if let magnitude, ["u_g", "g_r", "r_i", "r_z"].allSatisfy({ has($0) != nil }) {
            mapping.colours = Colours(r: magnitude)
        }
        let extinction = Band.allCases.map { "extinction_\($0.rawValue)" }
        if extinction.allSatisfy({ has($0) != nil }) { mapping.extinction = extinction }
        return mapping
    }

    /// The columns recognised as the id, in order of preference.
    public static let idColumns = ["name", "id", "objID", "specObjID"]

    /// The column names this mapping reads, with the quantity each one is, for error messages.
    var named: [(role: String, column: String)] {
        var list: [(String, String)] = []
        let optional: [(String, String?)] = [
            ("ra", ra), ("dec", dec),
            ("id", id), ("magnitude", magnitude), ("class", objectClass), ("label", label),
            ("spectral class", spectralClass), ("photometric type", photoType), ("objID", objID),
            ("specObjID", specObjID), ("flags", flags), ("redshift", redshift),
            ("r0", correctedR), ("g_z0", correctedGMinusZ),
        ]
        for (role, column) in optional { if let column { list.append((role, column)) } }
        if let colours {
            list += [("r", colours.r), ("u-g", colours.uMinusG), ("g-r", colours.gMinusR),
                     ("r-i", colours.rMinusI), ("r-z", colours.rMinusZ)]
        }
        for (band, column) in zip(Band.allCases, extinction ?? []) { list.append(("extinction \(band)", column)) }
        return list
    }
}
