import ArgumentParser
import Astro
import Dataset
import Foundation

/// `perseus prepare`: catalogue + images, or a folder of class folders -> a labelled, cleaned, split dataset folder.
struct Prepare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Cross-match, label, clean and split a catalogue and its cutouts into a dataset folder.",
        discussion: """
            Labels come from a `label` column when the catalogue has one, else from the PCC class (likely and \
            possible dE/ETG candidates = member; LTG, background ETG/unresolved, edge-on disk, weak substructure = \
            background; mergers left out), or with --classes pcc7 each of the PCC's seven classes is its own. A label \
            column holds class names or numbers; its classes are --classes, else its distinct names (sorted). \
            Spectroscopic objects are labelled by redshift (star z < 0.01, member 0.01 < z < 0.033, background \
            above). --image-folders DIR reads a labelled image set laid out one subfolder per class (torchvision's \
            ImageFolder): the subfolder's name is the class, the images may have any names. Writes objects.csv, \
            classes.txt and cleaning.txt (every removal and why). With --folds K it also writes OUT/fold-1 ... \
            OUT/fold-K for K-fold cross-validation by object (stratified by class; dataset k tests on fold k, its \
            other objects split 75/25 into training and validation); scripts/cross-validate.sh trains and judges them.
            """)

    @Option(help: "Catalogue: the PCC fixed-width export, an SDSS/CasJobs CSV, any CSV with ids (and label; ra, dec to cross-match), or a FITS table.") var catalog: String?
    @OptionGroup var columns: CatalogueColumns
    @Option(help: "The classes: member (background, member: the default), pcc7 (the PCC's seven classes), pcc7-without-mergers, or class names separated by commas (label column values, in label order).") var classes: String?
    @Option(help: "A folder with one subfolder of images per class (the subfolder's name is the class), instead of --catalog and --images.") var imageFolders: String?
    @Option(help: "SDSS photometry (CSV or FITS) joined to the catalogue by position (adds colours).") var photometry: String?
    @Option(help: "SDSS spectroscopic objects (CSV or FITS with z), joined by position; unmatched ones become objects.") var spectra: String?
    @Option(help: "Folder of cutouts named after the catalogue id (or SDSS objID).") var images: String?
    @Option(help: "Folder of wider cutouts at the same scale (rotations are cropped from them).") var imagesWide: String?
    @Option(help: "Folder of the spectroscopic objects' cutouts (default: --images).") var spectraImages: String?
    @Option(help: "Output dataset folder.") var out: String
    @Option(help: "Keep objects with magnitude <= this ('none' keeps every magnitude).") var maxMag = OrNone<Double>(19.4)
    @Option(help: "Drop images with more than this fraction of red-dominated pixels ('none' keeps all).") var maxRed = OrNone<Double>(0.5)
    @Option(help: "Drop objects with any of these SDSS photo flags (comma-separated names, e.g. SATURATED,NODEBLEND).") var rejectFlags: String = ""
    @Option(help: "Catalogue columns to carry as parameters for the catalogue model (comma-separated; 'none'). Default: the PCC's photometric and structural fields 6-19 when the catalogue has them.") var parameters: String?
    @Flag(help: "Drop objects that SDSS classifies as stars (spectroscopic class or photometric type).") var removeStars = false
    @Flag(help: "Put the spectroscopic objects into train/validation/test instead of holding them out as an independent test set.") var spectraInTraining = false
    @Flag(help: "Balance the classes by leaving out objects of the larger class.") var balance = false
    @Option(help: "Seed of the split.") var seed: UInt64 = 42
    @Option(help: "Also write OUT/fold-1 ... OUT/fold-K: K-fold cross-validation by object (0: none).") var folds = 0
    @Flag(help: "Replace an existing dataset folder.") var force = false

    func validate() throws {
        guard (imageFolders == nil) == (catalog != nil && images != nil), imageFolders == nil || catalog == nil && images == nil else {
            throw ValidationError("give --catalog and --images, or --image-folders alone")
        }
        if imageFolders != nil, classes != nil { throw ValidationError("--image-folders takes its classes from the subfolders' names; drop --classes") }
        guard folds == 0 || folds >= 2 else { throw ValidationError("--folds takes 2 or more (0: no cross-validation)") }
    }

    func run() throws {
        let output = URL(fileURLWithPath: out)
        if FileManager.default.fileExists(atPath: output.appendingPathComponent("objects.csv").path), !force {
            throw ValidationError("\(out) already holds a prepared dataset; use --force to replace it or choose another --out")
        }
        let preparation: Preparation
        if let imageFolders {
            var split = SplitOptions(seed: seed)
            split.balance = balance
            preparation = try prepareImageFolders(URL(fileURLWithPath: imageFolders), split: split)
        } else {
            preparation = try prepare(options(catalog: catalog!, images: images!))
        }
        try preparation.dataset.write(to: output, cleaning: preparation.cleaningText)
        print(preparation.summary)
        print("\nwrote \(output.appendingPathComponent("objects.csv").path), classes.txt (\(preparation.dataset.classNames.joined(separator: ", "))) and cleaning.txt")
        guard folds > 0 else { return }
        for (k, fold) in preparation.dataset.crossValidationDatasets(folds: folds, seed: seed).enumerated() {
            let folder = output.appendingPathComponent("fold-\(k + 1)")
            try fold.write(to: folder, cleaning: preparation.cleaningText + "\nfold \(k + 1) of \(folds) (seed \(seed)): the test split is this fold\n")
            let counts = [SplitName.train, .validation, .test].map { split in fold.objects.filter { $0.split == split }.count }
            print("wrote \(folder.path): train \(counts[0]), validation \(counts[1]), test \(counts[2])")
        }
    }

    private func options(catalog: String, images: String) throws -> PreparationOptions {
        var options = PreparationOptions(catalog: URL(fileURLWithPath: catalog), images: URL(fileURLWithPath: images), seed: seed)
        columns.apply(to: &options)
        options.classes = try classes.map { try ClassList(parsing: $0) }
        options.photometry = photometry.map(URL.init(fileURLWithPath:))
        options.spectra = spectra.map(URL.init(fileURLWithPath:))
        options.wideImages = imagesWide.map(URL.init(fileURLWithPath:))
        options.spectraImages = spectraImages.map(URL.init(fileURLWithPath:))
        options.rules.maxMagnitude = maxMag.value
        options.rules.maxRedFraction = maxRed.value
        options.rules.rejectFlags = rejectFlags.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        options.rules.removeStars = removeStars ? .either : nil
        options.spectraHeldOut = !spectraInTraining
        if let parameters {
            options.parameters = parameters == "none" ? [] : parameters.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        options.split.balance = balance
        return options
    }
}
