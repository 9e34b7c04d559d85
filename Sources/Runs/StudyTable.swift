import Evaluation
import Files
import Foundation
import Training

/// Rows of (experiment, evaluated on) with the scores of every seed or fold, summarised as mean and spread.
public struct StudyTable: Sendable {
    public struct Row: Codable, Sendable {
        public var experiment: String
        public var on: String
        public var scores: [Scores]
    }

    public private(set) var rows: [Row] = []

    public init() {}

    public mutating func add(_ experiment: String, _ on: String, _ predictions: Predictions, subset: [Int]? = nil) {
        guard let scores = try? Scores(predictions, subset: subset), scores.count > 0 else { return }
        if let i = rows.firstIndex(where: { $0.experiment == experiment && $0.on == on }) {
            rows[i].scores.append(scores)
        } else {
            rows.append(Row(experiment: experiment, on: on, scores: [scores]))
        }
    }

    public var markdown: String {
        var lines = ["| experiment | judged on | runs | objects (members) | " + Scores.names.joined(separator: " | ") + " |",
                     "|---|---|---|---|" + Scores.names.map { _ in "---|" }.joined()]
        for row in rows {
            let cells = Scores.names.indices.map { k -> String in
                let values = row.scores.compactMap { $0.values[k] }
                guard !values.isEmpty else { return "-" }
                let s = MetricSummary(values)
                return values.count > 1 ? String(format: "%.3f ± %.3f", s.mean, s.standardDeviation) : String(format: "%.3f", s.mean)
            }
            let n = row.scores.map(\.count), m = row.scores.map(\.members)
            lines.append("| \(row.experiment) | \(row.on) | \(row.scores.count) | \(n.reduce(0, +) / n.count) (\(m.reduce(0, +) / m.count)) | "
                         + cells.joined(separator: " | ") + " |")
        }
        lines.append("")
        lines.append("The study (Pruitt & Romanowsky): bright test split ~0.95-0.97 accuracy in colour, greyscale more than 5 points lower; "
                     + "with the spectroscopic objects in training 0.92 on its test split; independent spectroscopic set 0.92 accuracy, member F1 0.84; "
                     + "per region on that set: blue cloud 0.99, red sequence 0.86 (member F1 0.85), red shoulder 0.94 (member F1 0.82).")
        return lines.joined(separator: "\n") + "\n"
    }

    public func write(to folder: URL) throws {
        try AtomicFile.write(Data(markdown.utf8), to: folder.appendingPathComponent("results.md"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(rows), to: folder.appendingPathComponent("results.json"))
    }
}
