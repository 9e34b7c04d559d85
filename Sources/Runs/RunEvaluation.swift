import Dataset
import Evaluation
import Foundation
import Training

/// A trained model judged on a set of prepared objects: the classification report overall and per colour region
/// (blue cloud, green valley/red shoulder, red sequence, from a red sequence fitted in r vs g-z on the cluster
/// members of a reference set).
public struct RunEvaluation: Sendable {
    public static let classNames = ["background", "member"]

    public var predictions: Predictions
    public var report: ClassificationReport
    public var sequence: RedSequence?
    public var regions: [RegionEvaluation]
    /// Objects without the colours needed to place them in a region.
    public var withoutColours: Int
    public var threshold: Double

    public init(predictions: Predictions, objects: [PreparedObject], reference: [PreparedObject],
                threshold: Double = 0.5) throws {
        self.predictions = predictions
        self.threshold = threshold
        let predicted = predictions.predictedLabels(threshold: threshold)
        report = try ClassificationReport(truth: predictions.labels, predicted: predicted, classNames: Self.classNames)
        let fitted = reference.filter { $0.label == 1 && $0.magnitude != nil && $0.gMinusZ != nil }
        sequence = fitted.count >= 8
            ? try? RedSequence.fit(magnitude: fitted.map { $0.magnitude! }, colour: fitted.map { $0.gMinusZ! })
            : nil
        let placed = objects.indices.filter { objects[$0].magnitude != nil && objects[$0].gMinusZ != nil }
        withoutColours = objects.count - placed.count
        if let sequence, !placed.isEmpty {
            let found = try evaluateByColourRegion(
                magnitude: placed.map { objects[$0].magnitude! }, colour: placed.map { objects[$0].gMinusZ! },
                truth: placed.map { predictions.labels[$0] }, predicted: placed.map { predicted[$0] },
                sequence: sequence, classNames: Self.classNames)
            regions = found.map { r in
                var r = r
                r.members = r.members.map { placed[$0] }
                return r
            }
        } else {
            regions = []
        }
    }

    /// The confusion matrix, the report, and each region's, as a person reads them.
    public var text: String {
        let c = report.confusion
        var lines = [
            "confusion matrix (rows: truth, columns: predicted)",
            "                background  member",
            "  background    \(pad(c.counts[0][0], 10))  \(pad(c.counts[0][1], 6))",
            "  member        \(pad(c.counts[1][0], 10))  \(pad(c.counts[1][1], 6))",
            "",
            report.text(),
        ]
        if let s = sequence {
            lines.append(String(format: "red sequence (fitted on members): g-z = %.3f %+.4f (r - %.2f), scatter %.3f",
                                s.colour(atMagnitude: s.pivot), s.slope, s.pivot, s.scatter))
        }
        for r in regions {
            lines.append("\(r.region.rawValue): \(r.members.count) objects, accuracy \(String(format: "%.2f", r.report.accuracy))")
            lines.append(r.report.text())
        }
        if withoutColours > 0 { lines.append("\(withoutColours) objects have no g-z colour and are in no region") }
        return lines.joined(separator: "\n")
    }

    /// scikit-learn's `output_dict` layout with `confusion_matrix`, plus `regions` keyed by region name.
    public var json: String {
        // Keys "0" and "1" as scikit-learn's output_dict has them (the text report names the classes).
        var text = ((try? ClassificationReport(report.confusion)) ?? report).json()
        guard !regions.isEmpty, text.hasSuffix("}") else { return text }
        let parts = regions.map { "\"\($0.region.rawValue)\": \(((try? ClassificationReport($0.report.confusion)) ?? $0.report).json())" }.joined(separator: ", ")
        text.removeLast()
        return text + ", \"regions\": {\(parts)}}"
    }
}

private func pad(_ n: Int, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - String(n).count)) + String(n)
}
