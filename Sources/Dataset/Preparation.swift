import Astro
import Foundation
import Imaging

/// What `perseus prepare` does with a catalogue, its optional SDSS photometry and spectra, and the cutouts.
public struct PreparationOptions: Sendable {
    public var catalog: URL
    /// SDSS photometry (colours) to join to the catalogue by position.
    public var photometry: URL?
    /// SDSS spectroscopic objects (redshift labels), joined by position; those without a catalogue counterpart
    /// become objects of their own.
    public var spectra: URL?
    public var images: URL
    public var wideImages: URL?
    /// Cutouts of the spectroscopic objects, named by objID (defaults to `images`).
    public var spectraImages: URL?
    public var rules = CleaningRules()
    /// Whether the spectroscopic objects go into train/validation/test or are held out as an independent test set.
    public var spectraHeldOut = true
    public var labels = PCCLabelMapping.study
    public var redshiftLabels = RedshiftLabeling.study
    public var matchRadiusArcsec = 2.0
    public var split: SplitOptions
    /// Catalogue columns carried into the dataset as parameters for the catalogue model; nil: the PCC's photometric
    /// and structural fields (6-19) when the catalogue has them.
    public var parameters: [String]?

    public init(catalog: URL, images: URL, seed: UInt64) {
        self.catalog = catalog
        self.images = images
        self.split = SplitOptions(seed: seed)
    }
}

/// The outcome of preparation: the dataset and a human-readable account of every step.
public struct Preparation: Sendable {
    public var dataset: PreparedDataset
    public var catalogCleaning: CleaningReport
    public var spectraCleaning: CleaningReport?
    /// Joins, label sources and other facts worth telling the user.
    public var notes: [String]

    public var summary: String {
        var parts = notes
        parts.append("catalogue objects:\n\(catalogCleaning)")
        if let spectraCleaning { parts.append("spectroscopic objects:\n\(spectraCleaning)") }
        let counts = SplitName.allCases.compactMap { split -> String? in
            let objects = dataset.objects(in: split)
            guard !objects.isEmpty else { return nil }
            let members = objects.filter { $0.label == 1 }.count
            return "\(split.rawValue) \(objects.count) (\(members) member, \(objects.count - members) background)"
        }
        parts.append("splits: " + counts.joined(separator: "; "))
        return parts.joined(separator: "\n\n")
    }

    /// The text of `cleaning.txt`: the summary, then every removal with its reason.
    public var cleaningText: String {
        [summary, "removed catalogue objects:\n" + catalogCleaning.details,
         spectraCleaning.map { "removed spectroscopic objects:\n" + $0.details } ?? ""]
            .filter { !$0.isEmpty }.joined(separator: "\n\n") + "\n"
    }
}

/// Cross-matches, labels, cleans and splits. The red-artefact rule measures each image with `redPixelFraction`.
public func prepare(_ options: PreparationOptions) throws -> Preparation {
    var notes: [String] = []
    var catalog = try Catalog.read(options.catalog)
    notes.append("\(options.catalog.lastPathComponent): \(catalog.objects.count) objects")
    if let photometry = options.photometry {
        let other = try Catalog.read(photometry)
        // A table that names the catalogue's objects (the study's `name` = PCC id) joins by id; any other by position.
        let ids = Set(catalog.objects.map(\.id))
        let byID = other.objects.contains { ids.contains($0.id) }
        let (joined, report) = catalog.joined(
            with: other, on: byID ? .id : .position(radiusArcsec: options.matchRadiusArcsec), prefix: "sdss_")
        catalog = joined
        notes.append("photometry \(photometry.lastPathComponent): \(report.matched) of \(catalog.objects.count) matched "
                     + (byID ? "by id" : "within \(options.matchRadiusArcsec)\""))
    }
    var spectra: Catalog?
    if let url = options.spectra {
        let other = try Catalog.read(url)
        let (joined, report) = catalog.joined(with: other, on: .position(radiusArcsec: options.matchRadiusArcsec), prefix: "spec_")
        catalog = joined
        let matched = Set(crossMatch(other.objects.map { SkyPosition(ra: $0.ra, dec: $0.dec) },
                                     catalog.objects.map { SkyPosition(ra: $0.ra, dec: $0.dec) },
                                     radiusArcsec: options.matchRadiusArcsec).matches.map(\.source))
        // One object per id: SDSS lists an object once per spectrum.
        var seen = Set<String>()
        spectra = Catalog(source: other.source, columns: other.columns,
                          objects: other.objects.enumerated()
                            .filter { !matched.contains($0.offset) && seen.insert($0.element.id).inserted }.map(\.element))
        notes.append("spectra \(url.lastPathComponent): \(report.matched) matched to catalogue objects, \(spectra!.objects.count) added as objects of their own")
    }

    let parameters = try parameterColumns(options.parameters, of: catalog)
    if !parameters.isEmpty { notes.append("parameters carried for the catalogue model: " + parameters.joined(separator: ", ")) }
    let images = try ImageFolderIndex(folder: options.images)
    let wide = try options.wideImages.map { try ImageFolderIndex(folder: $0) }
    // A catalogue label column wins; otherwise the PCC class decides.
    let catalogObjects = catalog.objects.map { o in
        LabelledObject(object: o, label: o.label ?? options.labels.label(forClass: o.objectClass), image: images.url(for: o))
    }
    var rules = options.rules
    rules.requireImage = true  // a prepared object is one the network can see
    var measuredRed = redFractions(catalogObjects, rules: rules)
    let (keptCatalog, catalogReport) = try clean(catalogObjects, rules: rules, redFraction: measuredRed)

    var keptSpectra: [LabelledObject] = []
    var spectraReport: CleaningReport?
    if let spectra {
        let index = try ImageFolderIndex(folder: options.spectraImages ?? options.images)
        let objects = spectra.objects.map { o in
            LabelledObject(object: o, label: o.redshift.map(options.redshiftLabels.label), image: index.url(for: o))
        }
        var spectraRules = rules
        spectraRules.maxMagnitude = nil  // the spectroscopic search is its own selection
        measuredRed = redFractions(objects, rules: spectraRules)
        (keptSpectra, spectraReport) = try clean(objects, rules: spectraRules, redFraction: measuredRed)
    }

    var pool = keptCatalog.map { ($0, "catalog") }
    if !options.spectraHeldOut { pool += keptSpectra.map { ($0, "spectra") } }
    let split = splitByObject(ids: pool.map { $0.0.id }, labels: pool.map { $0.0.label! }, options: options.split)
    var splitOf = [SplitName?](repeating: nil, count: pool.count)
    for i in split.train { splitOf[i] = .train }
    for i in split.validation { splitOf[i] = .validation }
    for i in split.test { splitOf[i] = .test }
    var prepared: [PreparedObject] = []
    for (i, (o, source)) in pool.enumerated() {
        guard let s = splitOf[i] else { continue }  // left out by class balancing
        prepared.append(preparedObject(o, source: source, split: s, wide: wide, parameters: parameters))
    }
    if options.spectraHeldOut {
        prepared += keptSpectra.map { preparedObject($0, source: "spectra", split: .holdout, wide: nil, parameters: parameters) }
    }
    try checkSameBands(prepared.map(\.image))
    return Preparation(dataset: PreparedDataset(objects: prepared, parameterNames: parameters), catalogCleaning: catalogReport,
                       spectraCleaning: spectraReport, notes: notes)
}

/// Red-pixel fractions measured on the images, when the red rule is on.
private func redFractions(_ objects: [LabelledObject], rules: CleaningRules) -> [String: Double] {
    guard rules.maxRedFraction != nil else { return [:] }
    var out: [String: Double] = [:]
    for o in objects {
        guard let url = o.image, let image = try? Image(contentsOf: url) else { continue }
        out[o.id] = redPixelFraction(image)
    }
    return out
}

/// The parameter columns asked for, each checked against the catalogue.
private func parameterColumns(_ asked: [String]?, of catalog: Catalog) throws -> [String] {
    guard let asked else { return CatalogTable.pccParameterColumns.filter(catalog.columns.contains) }
    if let missing = asked.first(where: { !catalog.columns.contains($0) }) {
        throw CatalogError(file: catalog.source, column: missing,
                           message: "no column '\(missing)' to carry as a parameter; the table has: \(catalog.columns.joined(separator: ", "))")
    }
    return asked
}

private func preparedObject(_ o: LabelledObject, source: String, split: SplitName, wide: ImageFolderIndex?,
                            parameters: [String]) -> PreparedObject {
    let c = o.object
    let photometry = c.photometry
    return PreparedObject(
        id: c.id, source: source, ra: c.ra, dec: c.dec, magnitude: c.magnitude ?? photometry?.r,
        gMinusZ: photometry.map { $0.g - $0.z } ?? c.extraNumber("g_z"),
        gMinusR: photometry.map { $0.g - $0.r } ?? c.extraNumber("g_r"),
        uMinusG: photometry.map { $0.u - $0.g } ?? c.extraNumber("u_g"),
        rMinusI: photometry.map { $0.r - $0.i } ?? c.extraNumber("r_i"),
        objectClass: c.objectClass ?? c.spectralClass, redshift: c.redshift, label: o.label!, split: split,
        image: o.image!, wideImage: wide?.url(for: c),
        parameters: parameters.reduce(into: [:]) { out, name in
            if let v = c.extraNumber(name), v.isFinite { out[name] = v }
        })
}
