import Dataset
import Evaluation
import Files
import Foundation
import Training

/// A trained model judged on a set of prepared objects: the KxK confusion matrix and classification report, and for
/// membership (two classes) the same per colour region (blue cloud, green valley/red shoulder, red sequence, from a
/// red sequence fitted in r vs g-z on the cluster members of a reference set).
public struct RunEvaluation: Sendable {
    /// Membership's classes, the default.
    public static let classNames = ClassList.memberNames

    public var predictions: Predictions
    public var report: ClassificationReport
    public var sequence: RedSequence?
    public var regions: [RegionEvaluation]
    /// Objects without the colours needed to place them in a region.
    public var withoutColours: Int
    /// Member recall and precision per r-magnitude bin (membership only).
    public var magnitudeBins: [MagnitudeBinEvaluation] = []
    public var threshold: Double
    public var classNames: [String] { report.classNames }

    public init(predictions: Predictions, objects: [PreparedObject], reference: [PreparedObject],
                threshold: Double = 0.5, classNames: [String] = RunEvaluation.classNames) throws {
        guard predictions.classCount == classNames.count else {
            throw ConfigurationError(message: "the run tells \(predictions.classCount) classes apart but the dataset has \(classNames.count) (\(classNames.joined(separator: ", "))); judge the run on data with its classes")
        }
        self.predictions = predictions
        self.threshold = threshold
        let predicted = predictions.predictedLabels(threshold: threshold)
        report = try ClassificationReport(truth: predictions.labels, predicted: predicted, classCount: classNames.count,
                                          classNames: classNames)
        // Colour regions are about membership: the red sequence is fitted on members.
        guard classNames == Self.classNames else {
            sequence = nil
            regions = []
            withoutColours = 0
            return
        }
        magnitudeBins = evaluateByMagnitude(magnitude: objects.map(\.magnitude), truth: predictions.labels, predicted: predicted)
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
        let c = report.confusion, names = report.classNames
        let first = max(14, (names.map(\.count).max() ?? 0) + 2)  // membership keeps its old layout
        var lines = ["confusion matrix (rows: truth, columns: predicted)",
                     String(repeating: " ", count: first + 2) + names.map { pad($0, max($0.count, 6)) }.joined(separator: "  ")]
        for (t, name) in names.enumerated() {
            lines.append("  " + name.padding(toLength: first, withPad: " ", startingAt: 0)
                         + names.indices.map { pad(String(c.counts[t][$0]), max(names[$0].count, 6)) }.joined(separator: "  "))
        }
        lines += ["", report.text()]
        if let s = sequence {
            lines.append(String(format: "red sequence (fitted on members): g-z = %.3f %+.4f (r - %.2f), scatter %.3f",
                                s.colour(atMagnitude: s.pivot), s.slope, s.pivot, s.scatter))
        }
        for r in regions {
            lines.append("\(r.region.rawValue): \(r.members.count) objects, accuracy \(String(format: "%.2f", r.report.accuracy))")
            lines.append(r.report.text())
        }
        if withoutColours > 0 { lines.append("\(withoutColours) objects have no g-z colour and are in no region") }
        if !magnitudeBins.isEmpty { lines += ["", "members by r magnitude"] + magnitudeBinLines(magnitudeBins) }
        return lines.joined(separator: "\n")
    }

    /// scikit-learn's `output_dict` layout with `confusion_matrix`, plus `regions` keyed by region name.
    public var json: String {
        // Membership keeps keys "0" and "1" as scikit-learn's output_dict has them without target_names (the text
        // report names the classes); other classes are keyed by name, as with target_names.
        var text = (classNames == Self.classNames ? (try? ClassificationReport(report.confusion)) ?? report : report).json()
        guard text.hasSuffix("}") else { return text }
        text.removeLast()
        if !regions.isEmpty {
            let parts = regions.map { "\"\($0.region.rawValue)\": \(((try? ClassificationReport($0.report.confusion)) ?? $0.report).json())" }.joined(separator: ", ")
            text += ", \"regions\": {\(parts)}"
        }
        if !magnitudeBins.isEmpty {
            func number(_ x: Double?) -> String { x.map { "\($0)" } ?? "null" }
            let parts = magnitudeBins.map { b in
                "{\"bin\": \(jsonString(b.bin.label)), \"objects\": \(b.objects), \"members\": \(b.members), "
                    + "\"predicted_members\": \(b.predictedMembers), \"member_recall\": \(number(b.recall)), \"member_precision\": \(number(b.precision))}"
            }
            text += ", \"magnitude_bins\": [\(parts.joined(separator: ", "))]"
        }
        return text + "}"
    }
}

extension RunEvaluation {
    /// The headline figures: accuracy, balanced accuracy (the mean of the classes' recalls) and, for membership,
    /// member F1.
    public var headline: [(name: String, value: Double)] {
        var figures = [("accuracy", report.accuracy), ("balanced accuracy", report.macroAverage.recall)]
        if classNames == Self.classNames { figures.append(("member F1", report.perClass[1].f1)) }
        return figures
    }

    /// The combined model's headline beside the network's alone, so that what the pixels add shows: the catalogue
    /// model leans on the catalogue's own measurements, which a field without such a catalogue does not have.
    public static func comparison(combined: RunEvaluation, networkAlone: RunEvaluation) -> [String] {
        let names = combined.headline.map(\.name)
        func row(_ label: String, _ e: RunEvaluation) -> String {
            "  " + label.padding(toLength: 24, withPad: " ", startingAt: 0)
                + zip(names, e.headline).map { pad(String(format: "%.3f", $1.value), $0.count) }.joined(separator: "  ")
        }
        return ["network alone beside the combined model (the catalogue model uses the catalogue's own measurements):",
                String(repeating: " ", count: 26) + names.joined(separator: "  "),
                row("network + catalogue", combined), row("network alone", networkAlone)]
    }
}

/// One line per magnitude bin: objects, members, and member recall and precision ("-" where undefined).
public func magnitudeBinLines(_ bins: [MagnitudeBinEvaluation]) -> [String] {
    func figure(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "-" }
    return ["  bin                 objects  members  recall  precision"] + bins.map { b in
        "  " + b.bin.label.padding(toLength: 18, withPad: " ", startingAt: 0) + pad(String(b.objects), 9) + pad(String(b.members), 9)
            + pad(figure(b.recall), 8) + pad(figure(b.precision), 11)
    }
}

private func pad(_ s: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - s.count)) + s
}
