import ArgumentParser
import Dataset
import Files
import Foundation
import Runs
import Training

/// `perseus evaluate`: the confusion matrix and classification report of a trained run, overall and per colour region.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Judge a trained run on a prepared dataset's test (or holdout) objects, a labelled catalogue, or class folders.",
        discussion: """
            Prints the KxK confusion matrix and a classification report laid out like scikit-learn's, and for \
            membership runs the same per colour region (blue cloud, green valley/red shoulder, red sequence) from a \
            red sequence fitted in r vs g-z on the dataset's cluster members. --json writes scikit-learn's \
            output_dict layout plus confusion_matrix (counts[truth][predicted]; [[tn, fp], [fn, tp]] for \
            membership) and the regions. Besides --data, a labelled catalogue (--catalog FILE --images DIR) or a \
            folder of class folders (--image-folders DIR) can be judged: every object in it, labelled with the run's \
            classes.
            """)

    @OptionGroup var runs: EnsembleOptions
    @OptionGroup var combination: CombinationOptions
    @OptionGroup var judged: EvaluatedData
    @Option(help: "Judge only objects with magnitude <= this (e.g. 19.4 for the study's bright objects).") var maxMag: Double?
    @OptionGroup var judging: JudgingOptions
    @OptionGroup var arithmetic: PrecisionOptions
    @Flag(help: "Use the last checkpoint instead of the best.") var last = false
    @Option(help: "Write the report as JSON here.") var json: String?
    @Option(help: "Write per-object predictions here (CSV, or a FITS table when it ends in .fits).") var predictions: String?

    func run() throws {
        let paths = try runs.paths()
        let runClasses = try TrainedModel.classes(run: URL(fileURLWithPath: paths[0]))
        let (all, reference, classNames, split) = try judged.load(classes: runClasses)
        // Judging by label numbers alone would score a model against classes it never learnt.
        guard classNames == runClasses else {
            throw ValidationError("\(paths[0]) tells apart \(runClasses.joined(separator: ", ")), but the data's classes are \(classNames.joined(separator: ", ")); judge it on data labelled with its classes (perseus prepare --classes ...), or use a model trained on these")
        }
        let (tta, threshold) = (judging.tta, judging.threshold)
        var objects = all
        if let maxMag { objects = objects.filter { ($0.magnitude ?? .infinity) <= maxMag } }
        guard !objects.isEmpty else { throw ValidationError("the dataset has no \(split) objects\(maxMag.map { " with magnitude <= \($0)" } ?? "")") }
        let calibration = arithmetic.precision == .int8
            ? try arithmetic.validationObjects(fallback: judged.data) ?? Array(objects.prefix(256)) : []
        let (predicted, alone, notes) = try predictRuns(paths, objects: objects, tta: tta, calibrated: !combination.noCalibration,
                                                catalogue: !combination.noCatalogueModel, last: last,
                                                precision: arithmetic.precision, calibration: calibration)
        let evaluation = try RunEvaluation(predictions: predicted, objects: objects, reference: reference, threshold: threshold,
                                           classNames: classNames)
        print("\(objects.count) \(split) objects\(tta ? ", averaged over 16 rotations" : "")\(paths.count > 1 ? ", ensemble of \(paths.count) runs" : "")")
        notes.forEach { print("  " + $0) }
        print("")
        print(evaluation.text)
        // Beside a combined model, the network alone: what a field without the catalogue's measurements gets.
        let networkAlone = try alone.map {
            try RunEvaluation(predictions: $0, objects: objects, reference: reference, threshold: threshold, classNames: classNames)
        }
        if let networkAlone {
            print("")
            RunEvaluation.comparison(combined: evaluation, networkAlone: networkAlone).forEach { print($0) }
        }
        print(calibrationSummary(predicted))
        if let json {
            var text = evaluation.json
            if let networkAlone, text.hasSuffix("}") { text.removeLast(); text += ", \"network_alone\": \(networkAlone.json)}" }
            try AtomicFile.write(Data(text.utf8), to: URL(fileURLWithPath: json))
        }
        if let predictions {
            try predictionsTable(evaluation.predictions, objects: objects, threshold: threshold, classNames: classNames)
                .write(to: URL(fileURLWithPath: predictions))
        }
    }
}
