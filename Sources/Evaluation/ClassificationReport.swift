// scikit-learn's classification report: per-class precision, recall, F1 and support, then accuracy and the macro and
// weighted averages, as the same text and the same `output_dict` JSON, so our numbers line up with the study's.
import Files
import Foundation

/// Precision, recall, F1 and support for one class or one average.
public struct ClassMetrics: Sendable, Equatable {
    public var precision: Double
    public var recall: Double
    public var f1: Double
    public var support: Int
}

/// scikit-learn's `classification_report` computed from a confusion matrix, with `zero_division=0` (a ratio with a
/// zero denominator is 0, silently). Every class `0..<classCount` gets a row, as if `labels=range(classCount)`.
public struct ClassificationReport: Sendable, Equatable {
    public let confusion: ConfusionMatrix
    /// Row names; the class numbers ("0", "1", ...) unless given.
    public let classNames: [String]
    public let perClass: [ClassMetrics]
    public let accuracy: Double
    public let macroAverage: ClassMetrics
    public let weightedAverage: ClassMetrics

    public init(_ confusion: ConfusionMatrix, classNames: [String]? = nil) throws {
        let k = confusion.classCount
        if let classNames, classNames.count != k {
            throw EvaluationError("ClassificationReport: \(classNames.count) class names for \(k) classes")
        }
        self.confusion = confusion
        self.classNames = classNames ?? (0..<k).map(String.init)
        let rows = (0..<k).map {
            ClassMetrics(precision: confusion.precision($0), recall: confusion.recall($0), f1: confusion.f1($0),
                         support: confusion.support($0))
        }
        perClass = rows
        accuracy = confusion.accuracy
        let total = confusion.total
        func mean(_ value: (ClassMetrics) -> Double) -> Double {
            rows.map(value).reduce(0, +) / Double(k)
        }
        func weighted(_ value: (ClassMetrics) -> Double) -> Double {
            total == 0 ? 0 : rows.map { value($0) * Double($0.support) }.reduce(0, +) / Double(total)
        }
        macroAverage = ClassMetrics(precision: mean(\.precision), recall: mean(\.recall), f1: mean(\.f1), support: total)
        weightedAverage = ClassMetrics(precision: weighted(\.precision), recall: weighted(\.recall),
                                       f1: weighted(\.f1), support: total)
    }

    public init(truth: [Int], predicted: [Int], classCount: Int = 2, classNames: [String]? = nil) throws {
        try self.init(ConfusionMatrix(truth: truth, predicted: predicted, classCount: classCount), classNames: classNames)
    }

    /// The report as scikit-learn prints it, `digits` decimals (character for character the same).
    public func text(digits: Int = 2) -> String {
        let width = max(classNames.map(\.count).max() ?? 0, "weighted avg".count, digits)
        func pad(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(0, w - s.count)) + s }
        func number(_ x: Double) -> String { pad(String(format: "%.\(digits)f", x), 9) }
        func row(_ name: String, _ m: ClassMetrics) -> String {
            pad(name, width) + " " + [number(m.precision), number(m.recall), number(m.f1), pad(String(m.support), 9)]
                .map { " " + $0 }.joined() + "\n"
        }
        var out = pad("", width) + " " + ["precision", "recall", "f1-score", "support"].map { " " + pad($0, 9) }.joined()
        out += "\n\n"
        for (name, m) in zip(classNames, perClass) { out += row(name, m) }
        out += "\n"
        out += pad("accuracy", width) + " " + " " + pad("", 9) + " " + pad("", 9) + " " + number(accuracy)
            + " " + pad(String(confusion.total), 9) + "\n"
        out += row("macro avg", macroAverage)
        out += row("weighted avg", weightedAverage)
        return out
    }

    /// scikit-learn's `output_dict` layout (keys are the class names, then "accuracy", "macro avg", "weighted avg",
    /// supports as floats) plus `"confusion_matrix"`: `[[tn, fp], [fn, tp]]` for two classes, `counts[truth][predicted]`.
    public func json() -> String {
        func metrics(_ m: ClassMetrics) -> String {
            "{\"precision\": \(jsonNumber(m.precision)), \"recall\": \(jsonNumber(m.recall)), "
                + "\"f1-score\": \(jsonNumber(m.f1)), \"support\": \(jsonNumber(Double(m.support)))}"
        }
        var entries = zip(classNames, perClass).map { "\(jsonString($0)): \(metrics($1))" }
        entries.append("\"accuracy\": \(jsonNumber(accuracy))")
        entries.append("\"macro avg\": \(metrics(macroAverage))")
        entries.append("\"weighted avg\": \(metrics(weightedAverage))")
        let rows = confusion.counts.map { "[" + $0.map(String.init).joined(separator: ", ") + "]" }
        entries.append("\"confusion_matrix\": [" + rows.joined(separator: ", ") + "]")
        return "{" + entries.joined(separator: ", ") + "}"
    }

    /// The report's numbers by flat name ("accuracy", "balanced accuracy", "<class> precision", "macro avg f1-score",
    /// ...), for summaries across folds and seeds.
    public var flatMetrics: [String: Double] {
        var out: [String: Double] = ["accuracy": accuracy, "balanced accuracy": confusion.balancedAccuracy]
        for (name, m) in zip(classNames, perClass) + [("macro avg", macroAverage), ("weighted avg", weightedAverage)] {
            out["\(name) precision"] = m.precision
            out["\(name) recall"] = m.recall
            out["\(name) f1-score"] = m.f1
        }
        return out
    }
}

/// A finite number as Python's `json.dumps` writes a float (shortest round-trip form); non-finite numbers as `NaN`,
/// `Infinity`, `-Infinity` like Python.
func jsonNumber(_ x: Double) -> String {
    if x.isNaN { return "NaN" }
    if x.isInfinite { return x > 0 ? "Infinity" : "-Infinity" }
    return x.description
}

