import ArgumentParser
import Foundation
import Runs
import Training

/// `perseus report`: one self-contained HTML file showing what a run learned, plus its figures as SVG and PNG.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a run's HTML report: configuration, training curves, metrics, and every figure.",
        discussion: """
            Judges the run's best checkpoint on a prepared dataset's split exactly as `perseus evaluate` does (the \
            run's catalogue model and calibration.json when it has them, test-time augmentation with --tta), says \
            which of them it used, and writes one self-contained HTML file \
            (figures inline, no scripts, no network): the configuration, training curves from metrics.csv, the \
            classification report overall and per colour region, the confusion matrix, the colour-magnitude diagram \
            r vs g-z with the fitted red sequence and its regions, the same by true label, predicted label and outcome, \
            the colour pair plots, a reliability diagram and cutouts of the misclassified objects. The figures are \
            also written as SVG and PNG to RUN/figures/ (or, with --out NAME.html, to NAME-figures/ beside it).
            """)

    @OptionGroup var checkpoint: RunOption
    @OptionGroup var judged: JudgedData
    @OptionGroup var judging: JudgingOptions
    @OptionGroup var combination: CombinationOptions
    @Option(help: "The HTML file to write (default: RUN/report.html; needed with --model).") var out: String?
    @Flag(help: "Replace an existing file given with --out.") var force = false

    func run() throws {
        let request = RunReportRequest(run: URL(fileURLWithPath: try checkpoint.path()), data: judged.url, split: judged.split, tta: judging.tta, last: checkpoint.last,
                                       threshold: judging.threshold, output: out.map { URL(fileURLWithPath: $0) }, force: force,
                                       calibrated: !combination.noCalibration, catalogue: !combination.noCatalogueModel)
        let result = try writeRunReport(request)
        result.judgedWith.forEach { print($0) }
        let report = result.evaluation.report
        print("\(result.input.objects.count) \(judged.split.rawValue) objects, accuracy \(String(format: "%.3f", report.accuracy))")
        print("report: \(result.report.path)")
        print("figures: \(result.figures.count) files in \(request.figuresFolder.path)")
    }
}
