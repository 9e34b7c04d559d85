import ArgumentParser
import Dataset
import Astro
import Foundation
import Runs
import Tensor

// Options that several commands share, declared once (`@OptionGroup`).

/// What `--model` takes: a shipped model's name or a model file.
let modelHelp = ArgumentHelp("A shipped model's name (`perseus models` lists them) or a model file (from `perseus models export`), instead of --run; no training needed.", valueName: "name|file")

/// One trained network: a run (and which of its checkpoints) or a shipped model.
struct RunOption: ParsableArguments {
    @Option(name: .customLong("run"), help: "Run folder (from `perseus train`).") var folder: String?
    @Option(name: .customLong("model"), help: modelHelp) var model: String?
    @Flag(help: "With --run: use the last checkpoint instead of the best.") var last = false

    func validate() throws {
        guard (folder == nil) != (model == nil) else { throw ValidationError("give one of --run or --model") }
        if last, model != nil { throw ValidationError("--last picks a run's checkpoint; a model has one") }
    }

    /// The run folder, or the model file `--model` names (a shipped model's checked against its checksum).
    func path() throws -> String { try folder ?? ModelRegistry.resolve(model!) }

    func load() throws -> TrainedModel { try TrainedModel.load(path(), last: last) }
}

/// One or more trained networks (runs, shipped models) whose probabilities are averaged.
struct EnsembleOptions: ParsableArguments {
    @Option(name: .customLong("run"), help: "Run folder (from `perseus train`); repeat it for an ensemble (probabilities averaged).") var folders: [String] = []
    @Option(name: .customLong("model"), help: modelHelp) var models: [String] = []

    func validate() throws {
        guard !folders.isEmpty || !models.isEmpty else { throw ValidationError("give at least one --run or --model") }
    }

    /// The run folders, then the model files `--model` names.
    func paths() throws -> [String] { try folders + models.map(ModelRegistry.resolve) }
}

/// What is combined with the network's answer: each run's fitted temperature and its catalogue model.
struct CombinationOptions: ParsableArguments {
    @Flag(name: .customLong("no-calibration"), help: "Ignore the runs' calibration.json (fitted temperature).") var noCalibration = false
    @Flag(name: .customLong("no-catalogue-model"), help: "The network alone, without the runs' catalogue model (trees on the catalogue's parameters).") var noCatalogueModel = false
}

/// How the network is asked: test-time augmentation and the membership threshold.
/// The arithmetic of the network's convolutions, and what int8 calibrates on.
struct PrecisionOptions: ParsableArguments {
    @Option(help: "Arithmetic of the network's convolutions: fp32; bf16 (AVX512_BF16); int8 (AVX512_VNNI), each convolution's input quantised over the range it took on 256 calibration cutouts (see --calibration-data). ResNets only.") var precision: InferencePrecision = .fp32
    @Option(help: "Prepared dataset (perseus prepare --out) whose validation split calibrates --precision int8 (default: evaluate's --data, else the first 256 objects it judges; predict: the first 256 cutouts of the shard).") var calibrationData: String?

    /// The objects of `calibrationData`'s validation split, or of `fallback`'s, or nil when neither is given.
    func validationObjects(fallback: String? = nil) throws -> [PreparedObject]? {
        guard let folder = calibrationData ?? fallback else { return nil }
        let objects = try PreparedDataset.load(from: URL(fileURLWithPath: folder)).objects(in: .validation)
        guard !objects.isEmpty else { throw ValidationError("\(folder) has no validation split to calibrate int8 on") }
        print("int8: calibrating on \(min(objects.count, 256)) cutouts of \(folder)'s validation split")
        return objects
    }
}

struct JudgingOptions: ParsableArguments {
    @Flag(help: "Average the membership probability over the study's 16 rotations (test-time augmentation).") var tta = false
    @Option(help: "Membership probability at or above which an object is called a member.") var threshold: Double = 0.5
}

/// Which objects of a prepared dataset are judged.
struct JudgedData: ParsableArguments {
    @Option(help: "Prepared dataset folder (from `perseus prepare`).") var data: String
    @Option(help: "Which objects: test, holdout, validation, train, or all (every split but train).") var split: JudgedSplit = .test

    var url: URL { URL(fileURLWithPath: data) }
}

/// How a catalogue's columns are read when the recognised names do not fit, and which classes its labels name.
struct CatalogueColumns: ParsableArguments {
    @Option(help: "Catalogue column holding the object ids that name the image files (default: the first of \(ColumnMapping.idColumns.joined(separator: ", ")) the catalogue has).") var idColumn: String?
    @Option(help: "Catalogue column holding the labels: class names or class numbers 0...K-1 (default: label or labels).") var labelColumn: String?

    func apply(to options: inout PreparationOptions) {
        options.idColumn = idColumn
        options.labelColumn = labelColumn
    }
}

/// What `evaluate` judges: a prepared dataset's split, a labelled catalogue with its cutouts, or a folder of class
/// folders.
struct EvaluatedData: ParsableArguments {
    @Option(help: "Prepared dataset folder (from `perseus prepare`).") var data: String?
    @Option(help: "With --data: test, holdout, validation, train, or all (every split but train).") var split: JudgedSplit = .test
    @Option(help: "A labelled catalogue to judge on instead of --data (every object; with --images).") var catalog: String?
    @Option(help: "With --catalog: folder of cutouts named after the catalogue ids.") var images: String?
    @Option(help: "A folder with one subfolder of images per class, named after the run's classes, to judge on instead of --data.") var imageFolders: String?
    @OptionGroup var columns: CatalogueColumns

    func validate() throws {
        let given = [data != nil, catalog != nil, imageFolders != nil].filter { $0 }.count
        guard given == 1 else { throw ValidationError("give exactly one of --data, --catalog (with --images) or --image-folders") }
        guard (catalog == nil) == (images == nil) else { throw ValidationError("--catalog and --images go together") }
    }

    /// The objects to judge, the reference objects (a red sequence is fitted on their members) and their classes.
    func load(classes: [String]) throws -> (objects: [PreparedObject], reference: [PreparedObject], classNames: [String], what: String) {
        if let data {
            let dataset = try PreparedDataset.load(from: URL(fileURLWithPath: data))
            return (dataset.objects(judgedOn: split), dataset.objects, dataset.classNames, split.rawValue)
        }
        let preparation: Preparation
        if let imageFolders {
            preparation = try prepareImageFolders(URL(fileURLWithPath: imageFolders), split: nil, classes: classes)
        } else {
            var options = PreparationOptions(catalog: URL(fileURLWithPath: catalog!), images: URL(fileURLWithPath: images!), seed: 0)
            columns.apply(to: &options)
            options.classes = ClassList(names: classes)
            options.rules.maxMagnitude = nil  // --max-mag cuts what is judged
            preparation = try prepareForJudging(options)
        }
        preparation.notes.forEach { print("  " + $0) }
        let objects = preparation.dataset.objects
        return (objects, objects, preparation.dataset.classNames, "labelled")
    }
}
