import ArgumentParser
import Dataset
import Evaluation
import Files
import NN
import Foundation
import Report
import Runs
import Training

/// `perseus study`: the study's experiments, and Perseus's cross-validation, with one command.
struct Study: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the study's experiments on real data and write one results table beside the study's numbers.",
        discussion: """
            Experiments, each repeated over --seeds (a new split and new weights per seed) and reported as mean and \
            standard deviation: (1) bright PCC objects in colour, judged on the bright test split; (2) the same in \
            greyscale; (3) the spread over seeds; (4) the spectroscopic objects added to training; (5) the colour \
            model judged on the spectroscopic objects kept out of training; (6) each per colour region. With \
            --folds K, also K-fold cross-validation by object over every labelled object of every magnitude, \
            reported for bright objects, all objects and spectroscopic objects. Runs that exist are resumed or \
            reused, so an interrupted study continues where it stopped.
            """)

    @Option(help: "Real data laid out like ../shared/data/perseus.") var dataRoot: String
    @Option(help: "Output folder (datasets, runs, results.md, results.json).") var out: String
    @Option(help: "Seeds per experiment (0: only the cross-validation).") var seeds = 3
    @Option(help: "YAML run configuration (default: Perseus's recipe, `perseus train --help`).") var config: String?
    @Option(help: "Override the configuration's epochs.") var epochs: Int?
    @Option(help: "Override the configuration's model.") var model: Architecture?
    @Option(help: "Cross-validation folds over all magnitudes (0: skip).") var folds = 0
    @Flag(help: "Also average over the 16 rotations when judging (test-time augmentation).") var tta = false

    func run() throws {
        var base = TrainingConfiguration.recipe
        if let config {
            base = try TrainingConfiguration.load(yaml: String(contentsOf: URL(fileURLWithPath: config), encoding: .utf8), source: config, over: base)
        }
        if let epochs { base.epochs = epochs }
        if let model { base.model = model }
        try base.validate()
        guard seeds > 0 || folds > 0 else { throw ValidationError("nothing to run: give --seeds or --folds above 0") }
        let study = StudyExperiments(layout: StudyDataLayout(root: URL(fileURLWithPath: dataRoot)), out: URL(fileURLWithPath: out),
                                     configuration: base, seeds: seeds, folds: folds, tta: tta)
        let table = try study.run()
        print("\n" + table.markdown)
        print("wrote \(study.out.appendingPathComponent("results.md").path) and index.html (every run's report)")
    }
}
