// The HTML report is self-contained, holds its sections and is written atomically; the index links reports.
import Foundation
import Testing
@testable import Evaluation
@testable import Report

@Suite struct HTMLReportTests {
    func sampleReport() throws -> HTMLReport {
        let field = Field(count: 80)
        let report = try ClassificationReport(truth: field.truth, predicted: field.predicted, classNames: ["background", "member"])
        var html = HTMLReport(title: "Run <demo> & friends", subtitle: "synthetic field")
        html.addConfiguration([("model", "resnet18"), ("batch", "20"), ("seed", "7")])
        html.addMetrics([("accuracy", String(format: "%.3f", report.accuracy)),
                         ("ROC AUC", String(format: "%.3f", try rocAUC(scores: field.probability, labels: field.truth)))])
        html.addText("Classification report", report.text())
        html.addFigure("Confusion matrix", confusionMatrixFigure(report.confusion, classNames: report.classNames),
                       caption: "counts and row-normalised")
        html.addFigure("Training", trainingCurves([EpochRecord(epoch: 1, trainingLoss: 0.6, trainingAccuracy: 0.6),
                                                   EpochRecord(epoch: 2, trainingLoss: 0.4, trainingAccuracy: 0.8)]),
                       caption: "as PNG", format: .png)
        return html
    }

    @Test func containsItsSectionsAndNothingExternal() throws {
        let html = try sampleReport().html()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<title>Run &lt;demo&gt; &amp; friends</title>"))
        for heading in ["Configuration", "Metrics", "Classification report", "Confusion matrix", "Training"] {
            #expect(html.contains("<h2>\(heading)</h2>"), "missing section \(heading)")
        }
        #expect(html.contains("<th>model</th><td>resnet18</td>"))
        #expect(html.contains("weighted avg"))  // the pre-formatted report
        #expect(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(html.contains("src=\"data:image/png;base64,"))
        #expect(!html.contains("<?xml"))  // inline SVG has no XML declaration
        // Self-contained: no scripts, no external resources.
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("url("))
    }

    @Test func tagsAreBalanced() throws {
        let html = try sampleReport().html()
        for tag in ["html", "head", "body", "section", "table", "tr", "pre", "figure", "svg", "h2", "ul", "nav", "style", "text"] {
            let opens = html.components(separatedBy: "<\(tag)>").count - 1 + html.components(separatedBy: "<\(tag) ").count - 1
            let closes = html.components(separatedBy: "</\(tag)>").count - 1
            #expect(opens == closes, "<\(tag)>: \(opens) opened, \(closes) closed")
        }
        // Each inline SVG on its own parses as XML.
        var rest = html[...]
        var count = 0
        while let start = rest.range(of: "<svg "), let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex) {
            #expect(parseSVG(String(rest[start.lowerBound..<end.upperBound])).error == nil)
            rest = rest[end.upperBound...]
            count += 1
        }
        #expect(count == 1)
    }

    @Test func writesAtomicallyAndIndexLinksReports() throws {
        let folder = testOutputFolder().appendingPathComponent("html-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = try sampleReport()
        let url = folder.appendingPathComponent("report.html")
        try report.write(to: url)
        try report.write(to: url)  // replacing an existing report works too
        #expect(try String(contentsOf: url, encoding: .utf8) == (try report.html()))
        let index = ReportIndex(title: "Study", links: [ReportLink(title: "colour", path: "colour run/report.html", summary: "acc 0.96"),
                                                        ReportLink(title: "grey", path: "grey/report.html")],
                                results: (header: ["experiment", "accuracy"], rows: [["colour", "0.96"], ["grey", "0.90"]]))
        try index.write(to: folder.appendingPathComponent("index.html"))
        let text = try String(contentsOf: folder.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(text.contains("<a href=\"colour%20run/report.html\">colour</a>"))
        #expect(text.contains("<td>0.90</td>"))
        // Only the two files, no temporary leftovers.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["index.html", "report.html"])
        try report.write(to: testOutputFolder().appendingPathComponent("report.html"))
    }
}
