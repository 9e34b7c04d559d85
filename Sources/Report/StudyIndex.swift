// The index page of a study: one link per experiment's report (relative to the index, so the study folder can be
// moved or copied as a whole) and a table of each experiment's headline metrics.
import Foundation

/// One experiment of a study as its index lists it.
public struct StudyExperiment: Sendable {
    public var name: String
    /// The experiment's `report.html`.
    public var report: URL
    /// One line under the link (e.g. "resnet18, 64 px, colour").
    public var summary: String?
    /// Headline metrics in display order, e.g. [("accuracy", "0.962"), ("member F1", "0.95")].
    public var metrics: [(String, String)]

    public init(name: String, report: URL, summary: String? = nil, metrics: [(String, String)] = []) {
        self.name = name
        self.report = report
        self.summary = summary
        self.metrics = metrics
    }
}

/// Writes `index` (atomically): a link to each experiment's report and, when any has metrics, a table with one row
/// per experiment and one column per metric name (in order of first appearance; blank where an experiment lacks it).
public func writeStudyIndex(title: String, experiments: [StudyExperiment], to index: URL) throws {
    let folder = index.deletingLastPathComponent()
    let links = experiments.map { ReportLink(title: $0.name, path: relativePath(from: folder, to: $0.report), summary: $0.summary) }
    var metricNames: [String] = []
    for name in experiments.flatMap({ $0.metrics.map(\.0) }) where !metricNames.contains(name) { metricNames.append(name) }
    let rows = experiments.map { e in
        [e.name] + metricNames.map { name in e.metrics.first { $0.0 == name }?.1 ?? "" }
    }
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try ReportIndex(title: title, links: links, results: metricNames.isEmpty ? nil : (["experiment"] + metricNames, rows))
        .write(to: index)
}

/// The path of `file` relative to `folder` ("../b/report.html"), from their standardized absolute paths.
func relativePath(from folder: URL, to file: URL) -> String {
    let base = folder.standardizedFileURL.pathComponents, target = file.standardizedFileURL.pathComponents
    var common = 0
    while common < min(base.count, target.count), base[common] == target[common] { common += 1 }
    return (Array(repeating: "..", count: base.count - common) + target[common...]).joined(separator: "/")
}
