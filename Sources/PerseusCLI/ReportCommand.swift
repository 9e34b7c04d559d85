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
            Judges the run's best checkpoint on a prepared dataset's split and writes one self-contained HTML file \
            (figures inline, no scripts, no network): the configuration, training curves from metrics.csv, the \
            classification report overall and per colour region, the confusion matrix, the colour-magnitude diagram \
            r vs g-z with the fitted red sequence and its regions, the same by true label, predicted label and outcome, \
            the colour pair plots, a reliability diagram and cutouts of the misclassified objects. The figures are \
            also written as SVG and PNG to RUN/figures/ (or, with --out NAME.html, to NAME-figures/ beside it).
            """)

    @Option(name: .customLong("run"), help: "Run folder (from `perseus train`).")
    var runFolder: String

    @Option(help: "Prepared dataset folder (from `perseus prepare`).")
    var data: String

    @Option(help: "Which objects: test, holdout, validation, train, or all (every split but train).")
    var split: String = "test"

    @Option(help: "The HTML file to write (default: RUN/report.html).")
    var out: String?

    @Flag(help: "Average the membership probability over the study's 16 rotations (test-time augmentation).")
    var tta = false

    @Flag(help: "Use the last checkpoint instead of the best.")
    var last = false

    @Option(help: "Membership probability at or above which an object is called a member.")
    var threshold: Double = 0.5

    @Flag(help: "Replace an existing file given with --out.")
    var force = false

    func run() throws {
        let request = RunReportRequest(run: URL(fileURLWithPath: runFolder), data: URL(fileURLWithPath: data), split: split,
                                       tta: tta, last: last, threshold: threshold, output: out.map { URL(fileURLWithPath: $0) },
                                       force: force)
        let result = try writeRunReport(request)
        let report = result.evaluation.report
        print("\(result.input.objects.count) \(split) objects, accuracy \(String(format: "%.3f", report.accuracy))")
        print("report: \(result.report.path)")
        print("figures: \(result.figures.count) files in \(request.figuresFolder.path)")
    }
}
