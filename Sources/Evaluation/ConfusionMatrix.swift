// The confusion matrix: counts of (true class, predicted class) pairs, the one source every metric is computed from.

/// Counts of objects by true class (row) and predicted class (column), classes `0..<classCount`.
///
/// For the binary case class 1 (member) is the positive class: `truePositives` counts members predicted as members.
public struct ConfusionMatrix: Sendable, Equatable {
    public let classCount: Int
    /// `counts[truth][predicted]`.
    public private(set) var counts: [[Int]]

    /// An empty matrix for `classCount` classes.
    public init(classCount: Int) {
        precondition(classCount >= 1, "ConfusionMatrix: classCount must be at least 1, got \(classCount)")
        self.classCount = classCount
        self.counts = Array(repeating: Array(repeating: 0, count: classCount), count: classCount)
    }

    /// Counts the pairs `(truth[i], predicted[i])`; labels must lie in `0..<classCount`.
    public init(truth: [Int], predicted: [Int], classCount: Int = 2) throws {
        guard truth.count == predicted.count else {
            throw EvaluationError.lengthMismatch("ConfusionMatrix", ("truth", "predicted"), (truth.count, predicted.count))
        }
        guard classCount >= 1 else { throw EvaluationError("ConfusionMatrix: classCount must be at least 1, got \(classCount)") }
        self.init(classCount: classCount)
        for (i, (t, p)) in zip(truth, predicted).enumerated() {
            guard (0..<classCount).contains(t), (0..<classCount).contains(p) else {
                throw EvaluationError("ConfusionMatrix: row \(i) has truth \(t), predicted \(p); labels must lie in 0..<\(classCount)")
            }
            counts[t][p] += 1
        }
    }

    /// A matrix from explicit counts, `counts[truth][predicted]`, square and non-negative.
    public init(counts: [[Int]]) throws {
        guard !counts.isEmpty, counts.allSatisfy({ $0.count == counts.count }) else {
            throw EvaluationError("ConfusionMatrix: counts must be a non-empty square matrix, got rows of sizes \(counts.map(\.count))")
        }
        guard counts.allSatisfy({ $0.allSatisfy { $0 >= 0 } }) else {
            throw EvaluationError("ConfusionMatrix: counts must be non-negative")
        }
        self.classCount = counts.count
        self.counts = counts
    }

    /// Adds one object.
    public mutating func add(truth: Int, predicted: Int) {
        precondition((0..<classCount).contains(truth) && (0..<classCount).contains(predicted),
                     "ConfusionMatrix.add: labels \(truth), \(predicted) outside 0..<\(classCount)")
        counts[truth][predicted] += 1
    }

    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
    public var correct: Int { (0..<classCount).reduce(0) { $0 + counts[$1][$1] } }

    /// Objects whose true class is `c`.
    public func support(_ c: Int) -> Int { counts[c].reduce(0, +) }
    /// Objects predicted as class `c`.
    public func predictedCount(_ c: Int) -> Int { counts.reduce(0) { $0 + $1[c] } }

    // Binary counts with class 1 as positive.
    public var truePositives: Int { binary(); return counts[1][1] }
    public var trueNegatives: Int { binary(); return counts[0][0] }
    public var falsePositives: Int { binary(); return counts[0][1] }
    public var falseNegatives: Int { binary(); return counts[1][0] }

    private func binary() {
        precondition(classCount == 2, "ConfusionMatrix: TP/TN/FP/FN need 2 classes, this matrix has \(classCount)")
    }

    /// Fraction of objects on the diagonal (0 for an empty matrix).
    public var accuracy: Double { ratio(correct, total) }

    /// Mean recall over the classes that have support (scikit-learn's `balanced_accuracy_score`).
    public var balancedAccuracy: Double {
        let present = (0..<classCount).filter { support($0) > 0 }
        guard !present.isEmpty else { return 0 }
        return present.map(recall).reduce(0, +) / Double(present.count)
    }

    /// TP / (TP + FP) for class `c`; 0 when nothing was predicted as `c` (scikit-learn's `zero_division=0`).
    public func precision(_ c: Int) -> Double { ratio(counts[c][c], predictedCount(c)) }

    /// TP / (TP + FN) for class `c`; 0 when class `c` has no objects.
    public func recall(_ c: Int) -> Double { ratio(counts[c][c], support(c)) }

    /// 2 TP / (2 TP + FP + FN) for class `c`, the harmonic mean of precision and recall; 0 when undefined.
    public func f1(_ c: Int) -> Double {
        let tp = counts[c][c]
        return ratio(2 * tp, 2 * tp + (predictedCount(c) - tp) + (support(c) - tp))
    }

    /// Rows divided by their sums (each row sums to 1, an empty row stays 0).
    public var rowNormalized: [[Double]] {
        counts.map { row in
            let sum = row.reduce(0, +)
            return row.map { ratio($0, sum) }
        }
    }
}

func ratio(_ numerator: Int, _ denominator: Int) -> Double {
    denominator == 0 ? 0 : Double(numerator) / Double(denominator)
}
