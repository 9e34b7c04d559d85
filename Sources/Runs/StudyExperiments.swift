import Dataset
import Evaluation
import Files
import Foundation
import Report
import Training

/// The study's experiments, each repeated over seeds (a new split and new weights per seed): bright PCC objects in
/// colour and in greyscale, the spectroscopic objects added to training, the colour model judged on the
/// spectroscopic objects kept out, each per colour region; and, with folds, K-fold cross-validation by object over
/// every labelled object of every magnitude. Runs that exist are resumed or reused, so an interrupted study
/// continues where it stopped. Backs `perseus study`.
public struct StudyExperiments: Sendable {
    public var layout: StudyDataLayout
    /// Where the datasets, runs, results.md, results.json and index.html go.
    public var out: URL
    public var configuration: TrainingConfiguration
    public var seeds: Int
    public var folds: Int
    /// Average over the study's 16 rotations when judging.
    public var tta: Bool

    public init(layout: StudyDataLayout, out: URL, configuration: TrainingConfiguration, seeds: Int, folds: Int, tta: Bool) {
        self.layout = layout
        self.out = out
        self.configuration = configuration
        self.seeds = seeds
        self.folds = folds
        self.tta = tta
    }

    /// Runs every experiment, rewriting the table and the index page after each run, and returns the table.
    public func run() throws -> StudyTable {
        guard seeds > 0 || folds > 0 else { throw ConfigurationError(message: "nothing to run: give --seeds or --folds above 0") }
        let base = configuration
        let root = out
        try layout.check()
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        var table = StudyTable()
        var reports: [StudyExperiment] = []

        for seed in UInt64(1)..<UInt64(seeds + 1) {
            var options = layout.options(seed: seed)
            let bright = try prepare(options).dataset
            options.spectraHeldOut = false
            let withSpectra = try prepare(options).dataset
            var grey = base
            grey.grey = true
            let experiments: [(name: String, config: TrainingConfiguration, data: PreparedDataset)] = [
                ("bright, colour", base, bright), ("bright, greyscale", grey, bright),
                ("bright + spectroscopic in training, colour", base, withSpectra),
            ]
            let dataFolders = [root.appendingPathComponent("data/bright-seed\(seed)"),
                               root.appendingPathComponent("data/with-spectra-seed\(seed)")]
            try bright.write(to: dataFolders[0], cleaning: "prepared by perseus study (seed \(seed))\n")
            try withSpectra.write(to: dataFolders[1], cleaning: "prepared by perseus study (seed \(seed))\n")
            for (k, (name, config, data)) in experiments.enumerated() {
                var config = config
                config.seed = seed
                let runURL = root.appendingPathComponent("runs/\(slug(name))-seed\(seed)")
                let trained = try trainOrReuse(config, data, runURL)
                let test = data.objects(in: .test)
                let onTest = try evaluateRun(trained, on: test, reference: data.objects, tta: tta)
                table.add(name, "test split", onTest.predictions)
                if trained.catalogueModel != nil {
                    // The network alone beside the combined figure (spectroscopic objects have no PCC parameters, so
                    // the catalogue model leaves their figures to the network).
                    var alone = trained
                    alone.catalogueModel = nil
                    table.add("\(name), network alone", "test split",
                              try evaluateRun(alone, on: test, reference: data.objects, tta: tta).predictions)
                }
                for region in onTest.regions {
                    table.add(name, "test split, \(region.region.rawValue)", onTest.predictions, subset: region.members)
                }
                let holdout = data.objects(in: .holdout)
                if !holdout.isEmpty {
                    let onHoldout = try evaluateRun(trained, on: holdout, reference: data.objects, tta: tta)
                    table.add(name, "spectroscopic objects kept out", onHoldout.predictions)
                    for region in onHoldout.regions {
                        table.add(name, "spectroscopic kept out, \(region.region.rawValue)", onHoldout.predictions, subset: region.members)
                    }
                }
                // Each run's own report, linked from the study's index page.
                let report = try writeRunReport(RunReportRequest(run: runURL, data: dataFolders[k == 2 ? 1 : 0], tta: tta))
                reports.append(StudyExperiment(
                    name: "\(name), seed \(seed)", report: report.report,
                    metrics: [("test accuracy", String(format: "%.3f", onTest.report.accuracy)),
                              ("member F1", String(format: "%.3f", onTest.report.confusion.f1(1)))]))
                try writeStudyIndex(title: "Perseus study", experiments: reports, to: root.appendingPathComponent("index.html"))
                try table.write(to: root)
            }
        }
        if folds > 0 { try crossValidate(base, layout: layout, root: root, table: &table) }
        try table.write(to: root)
        return table
    }

    /// K-fold cross-validation by object over every labelled object (all magnitudes, spectroscopic objects included).
    private func crossValidate(_ base: TrainingConfiguration, layout: StudyDataLayout, root: URL,
                               table: inout StudyTable) throws {
        var options = layout.options(seed: 1)
        options.rules.maxMagnitude = nil
        options.spectraHeldOut = false
        let all = try prepare(options).dataset
        let pool = all.splittable
        let splits = crossValidationFolds(ids: pool.map { all.objects[$0].id }, labels: pool.map { all.objects[$0].label },
                                          folds: folds, seed: 1)
        let name = "\(folds)-fold cross-validation, all magnitudes"
        try FileManager.default.createDirectory(at: root.appendingPathComponent("predictions"), withIntermediateDirectories: true)
        for (k, split) in splits.enumerated() {
            var config = base
            config.seed = UInt64(k + 1)
            let data = all.resplit(split, of: pool)
            try data.write(to: root.appendingPathComponent("data/cv-fold\(k + 1)"),
                           cleaning: "prepared by perseus study (fold \(k + 1) of \(folds))\n")
            var trained = try trainOrReuse(config, data, root.appendingPathComponent("runs/cv-fold\(k + 1)"))
            let test = data.objects(in: .test)
            let combined = trained.catalogueModel
            trained.catalogueModel = nil
            let network = try evaluateRun(trained, on: test, reference: data.objects, tta: tta).predictions
            // The network alone first; beside it what the magnitude adds (every survey measures it), the catalogue
            // alone (the trees on its parameters, no image), and the network with the catalogue model: any gain
            // from the pixels shows against the catalogue-only row.
            var judged = [("network", network)]
            if test.contains(where: { $0.magnitude != nil }) {
                let validation = data.objects(in: .validation)
                let onValidation = try evaluateRun(trained, on: validation, reference: data.objects, tta: tta).predictions
                let magnitude = try CatalogueModel.fit(training: data.objects(in: .train), validation: validation,
                                                       network: onValidation, parameters: [])
                judged.append(("network + magnitude", magnitude.apply(to: network, objects: test)))
            }
            if !data.parameterNames.isEmpty {
                judged.append(("catalogue alone, no image", try CatalogueModel.cataloguePredictions(
                    training: data.objects(in: .train), objects: test, parameters: data.parameterNames)))
            }
            if let combined { judged.append(("network + catalogue model", combined.apply(to: network, objects: test))) }
            for (what, predictions) in judged {
                // Out-of-fold predictions, so other combinations can be tried without retraining.
                try AtomicFile.write(Data(predictionsCSV(predictions, objects: test, threshold: 0.5).utf8),
                                     to: root.appendingPathComponent("predictions/cv-fold\(k + 1)-\(slug(what)).csv"))
                table.add("\(name), \(what)", "all magnitudes", predictions)
                // Member precision and recall where the members are lost: by magnitude, the brightest bin the study's.
                for bin in MagnitudeBin.between() {
                    table.add("\(name), \(what)", bin.lower == nil ? "bright (r <= 19.4)" : bin.label, predictions,
                              subset: test.indices.filter { test[$0].magnitude.map(bin.contains) ?? false })
                }
                table.add("\(name), \(what)", "spectroscopic objects", predictions,
                          subset: test.indices.filter { test[$0].redshift != nil })
            }
            try table.write(to: root)
        }
    }

    /// Trains a run, or resumes it, or reuses it when it has finished.
    private func trainOrReuse(_ config: TrainingConfiguration, _ data: PreparedDataset, _ url: URL) throws -> TrainedModel {
        // Resolved as `perseus train` records it, so a run made by either command can be reused by the other.
        var config = config
        try config.resolveBands(from: data)
        let exists = FileManager.default.fileExists(atPath: url.appendingPathComponent("config.yaml").path)
        let run = exists ? try RunFolder.open(url) : try RunFolder.create(at: url, force: false)
        if !exists { try AtomicFile.write(Data(config.yaml().utf8), to: run.configuration) }
        print("\n== \(url.lastPathComponent)")
        _ = try train(config, on: data, in: run, resume: exists)
        return try TrainedModel.load(run: run)
    }

    private func slug(_ name: String) -> String {
        String(name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }).split(separator: "-").joined(separator: "-")
    }
}
