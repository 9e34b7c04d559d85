import Astro
import Foundation
import Imaging

/// What `perseus prepare` does with a catalogue, its optional SDSS photometry and spectra, and the cutouts.
public struct PreparationOptions: Sendable {
    public var catalog: URL
    /// The catalogue's id column, when not one of the recognised names (`ColumnMapping.idColumns`).
    public var idColumn: String?
    /// The catalogue's label column (class names or class numbers), when not `label` or `labels`.
    public var labelColumn: String?
    /// The classes the labels number; nil: membership, unless a label column names other classes.
    public var classes: ClassList?
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
    /// With `ClassList.member`: which PCC classes are members and which background.
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
            let counts = dataset.classNames.indices.map { c in objects.filter { $0.label == c }.count }
            let classes = dataset.isMembership ? [(1, "member"), (0, "background")] : Array(zip(dataset.classNames.indices, dataset.classNames))
            return "\(split.rawValue) \(objects.count) (" + classes.map { "\(counts[$0.0]) \($0.1)" }.joined(separator: ", ") + ")"
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
    try prepare(options, splitting: true)
}

/// A labelled catalogue and its cutouts as objects to judge a trained run on: labelled (by the run's classes, in
/// `options.classes`) and cleaned as `prepare` does, every object in the test split, one class enough.
public func prepareForJudging(_ options: PreparationOptions) throws -> Preparation {
    try prepare(options, splitting: false)
}

private func prepare(_ options: PreparationOptions, splitting: Bool) throws -> Preparation {
    var notes: [String] = []
    var catalog = try Catalog.read(options.catalog, idColumn: options.idColumn, labelColumn: options.labelColumn)
    notes.append("\(options.catalog.lastPathComponent): \(catalog.objects.count) objects")
    func needPositions(_ what: String) throws {
        guard catalog.objects.allSatisfy(\.hasPosition) else {
            throw CatalogError(file: options.catalog.path, message: "has no ra and dec columns (or rows without them), which \(what) needs; add the columns or leave \(what) out")
        }
    }
    if let photometry = options.photometry {
        let other = try Catalog.read(photometry)
        // A table that names the catalogue's objects (the study's `name` = PCC id) joins by id; any other by position.
        let ids = Set(catalog.objects.map(\.id))
        let byID = other.objects.contains { ids.contains($0.id) }
        if !byID { try needPositions("--photometry (joined by position)") }
        let (joined, report) = catalog.joined(
            with: other, on: byID ? .id : .position(radiusArcsec: options.matchRadiusArcsec), prefix: "sdss_")
        catalog = joined
        notes.append("photometry \(photometry.lastPathComponent): \(report.matched) of \(catalog.objects.count) matched "
                     + (byID ? "by id" : "within \(options.matchRadiusArcsec)\""))
    }
    var spectra: Catalog?
    if let url = options.spectra {
        try needPositions("--spectra (joined by position)")
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
    let classes = options.classes ?? ClassList.inferred(fromLabels: catalog.objects.compactMap(\.labelText))
    // A catalogue label column wins; otherwise the PCC class decides.
    let catalogObjects = try catalog.objects.map { o in
        LabelledObject(object: o, label: try label(o, classes: classes, options: options, source: catalog),
                       image: images.url(for: o))
    }
    try checkImagesFound(catalogObjects, catalog: catalog, images: options.images, notes: &notes)
    var rules = options.rules
    rules.requireImage = true  // a prepared object is one the network can see
    var measuredRed = redFractions(catalogObjects, rules: rules)
    var (keptCatalog, catalogReport) = try clean(catalogObjects, rules: rules, redFraction: measuredRed)
    catalogReport.classNames = classes.names

    var keptSpectra: [LabelledObject] = []
    var spectraReport: CleaningReport?
    if spectra != nil, classes != .member {
        notes.append("spectroscopic objects left out: their redshifts say member or background, not one of \(classes.names.count) classes")
        spectra = nil
    }
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
    if splitting { try checkTwoClasses(pool.map { $0.0.label! }, classes: classes.names, source: options.catalog.path) }
    let split = splitting ? splitByObject(ids: pool.map { $0.0.id }, labels: pool.map { $0.0.label! }, options: options.split)
        : DatasetSplit(train: [], validation: [], test: Array(pool.indices))
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
    return Preparation(dataset: PreparedDataset(objects: prepared, parameterNames: parameters, classNames: classes.names),
                       catalogCleaning: catalogReport,
                       spectraCleaning: spectraReport, notes: notes)
}

/// An object's label: its label column's value (a class name or number) when the catalogue has one, else its PCC
/// class under `classes`. A value that is no class is an error naming the row and the classes.
private func label(_ o: CatalogObject, classes: ClassList, options: PreparationOptions, source: Catalog) throws -> Int? {
    guard let text = o.labelText else { return classes.label(forPCCClass: o.objectClass, membership: options.labels) }
    guard let label = classes.label(forText: text) else {
        throw CatalogError(file: source.source, line: o.line, column: options.labelColumn ?? "label",
                           message: "label '\(text)' is not one of the classes (\(classes.names.joined(separator: ", "))) nor a class number 0...\(classes.names.count - 1); give --classes with every class name, or fix the row")
    }
    return label
}

/// Says how many objects have an image; none is an error naming the id column, since every object would then be
/// removed as "no image file" without saying why.
private func checkImagesFound(_ objects: [LabelledObject], catalog: Catalog, images: URL, notes: inout [String]) throws {
    let found = objects.filter { $0.image != nil }.count
    let column = catalog.idColumn.map { "id column '\($0)'" } ?? "no id column (objects numbered by line)"
    notes.append("images: \(found) of \(objects.count) ids name a file in \(images.path) (\(column))")
    guard found == 0, !objects.isEmpty else { return }
    let example = objects.first.map { " (the first row's id is '\($0.id)')" } ?? ""
    throw CatalogError(file: catalog.source, message: "none of its \(objects.count) ids names an image in \(images.path)\(example), using \(column); images must be named <id>.<extension>: choose the column with --id-column (recognised: \(ColumnMapping.idColumns.joined(separator: ", ")))")
}

/// A classifier needs objects of two classes or more.
func checkTwoClasses(_ labels: [Int], classes: [String], source: String) throws {
    let present = Set(labels)
    guard present.count < 2 else { return }
    let what = present.first.map { "only class '\(classes[$0])' has objects left" } ?? "no labelled objects are left"
    throw CatalogError(file: source, message: "\(what) after labelling and cleaning; a classifier needs objects of two classes or more (see cleaning.txt for what was removed, or check the labels)")
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
