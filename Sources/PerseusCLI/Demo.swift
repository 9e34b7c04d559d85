import ArgumentParser
import Dataset
import Files
import Foundation
import Imaging
import NN
import Runs
import Training

/// `perseus demo`: the main job on the built-in default. A synthetic Perseus-like field (dE/ETG cluster members,
/// background early types, disks and stars, drawn with Sersic profiles, a PSF, sky noise and SDSS-like colours),
/// prepared, split by object, learned by a small ResNet, and judged on its held-out test objects.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the main job on a built-in synthetic field: prepare, train a small ResNet, evaluate, and write the HTML report.",
        discussion: "Every number printed is measured on this run. With --data-root (a folder laid out like ../shared/data/perseus) it runs the study's bright-object experiment on real data instead.")

    @Option(help: "Seed of the field, the split and the training.") var seed: UInt64 = 1
    @Option(help: "Objects in the synthetic field.") var objects = 1200
    @Option(help: "Training epochs.") var epochs = 12
    @Option(help: "Architecture.") var model = Architecture.resnet10
    @Option(help: "Work folder for the field, dataset and run (default: a new temporary folder).") var out: String?
    @Option(help: "Real data laid out like ../shared/data/perseus: run the study's bright experiment on it.") var dataRoot: String?
    @Option(help: "Threads (default: all cores).") var threads: Int?

    func run() throws {
        let started = Date()
        let work = out.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("perseus-demo-\(seed)-\(UUID().uuidString.prefix(8))")
        if FileManager.default.fileExists(atPath: work.appendingPathComponent("run").path) {
            throw ValidationError("\(work.path) already holds a demo run; choose another --out")
        }
        var configuration = TrainingConfiguration.recipe
        configuration.model = model
        configuration.epochs = epochs
        configuration.seed = seed
        if let threads { configuration.threads = threads }
        try configuration.validate()

        let dataset: PreparedDataset
        if let dataRoot {
            print("perseus demo: the study's bright PCC objects from \(dataRoot)")
            let preparation = try prepareStudyData(root: URL(fileURLWithPath: dataRoot), seed: seed)
            try preparation.dataset.write(to: work.appendingPathComponent("dataset"), cleaning: preparation.cleaningText)
            dataset = preparation.dataset
        } else {
            print("perseus demo: a synthetic field of \(objects) objects (seed \(seed)) in \(work.path)")
            var field = SyntheticField(seed: seed, count: objects)
            field.cutoutSize = configuration.inputSize
            field.pixelScale = 20.0 / Double(configuration.inputSize)  // the study's 20" field
            try field.write(to: work.appendingPathComponent("field"))
            var options = PreparationOptions(catalog: work.appendingPathComponent("field/catalogue.csv"),
                                             images: work.appendingPathComponent("field/cutouts"), seed: seed)
            options.rules.maxMagnitude = nil
            let preparation = try prepare(options)
            try preparation.dataset.write(to: work.appendingPathComponent("dataset"), cleaning: preparation.cleaningText)
            print(preparation.summary)
            dataset = preparation.dataset
        }
        let run = try RunFolder.create(at: work.appendingPathComponent("run"), force: false)
        try AtomicFile.write(Data(configuration.yaml().utf8), to: run.configuration)
        print("\ntraining \(configuration.model.rawValue) at \(configuration.inputSize)x\(configuration.inputSize), \(configuration.epochs) epochs")
        _ = try train(configuration, on: dataset, in: run, resume: false)
        let trained = try TrainedModel.load(run: run)
        let test = dataset.objects(in: .test)
        let evaluation = try evaluateRun(trained, on: test, reference: dataset.objects, tta: false)
        print("\ntest split: \(test.count) objects never seen in training\n")
        print(evaluation.text)
        let report = try writeRunReport(RunReportRequest(run: run.url, data: work.appendingPathComponent("dataset")))
        print("\nreport: \(report.report.path) (open it in a browser)")
        print("run folder: \(run.url.path) (took \(ProgressBar.duration(Date().timeIntervalSince(started))))")
    }
}
