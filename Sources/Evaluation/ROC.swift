// Area under the ROC curve from membership scores, computed as the Mann-Whitney U statistic so tied scores count
// one half, exactly what scikit-learn's `roc_auc_score` gives for binary labels.

/// ROC AUC of `scores` (higher means more likely class 1) against binary `labels` (0 or 1).
///
/// Equals the probability that a random positive scores above a random negative, ties counting 1/2.
/// Throws when the lengths differ, a label is not 0 or 1, a score is NaN, or one class is absent (AUC undefined).
public func rocAUC(scores: [Double], labels: [Int]) throws -> Double {
    guard scores.count == labels.count else {
        throw EvaluationError.lengthMismatch("rocAUC", ("scores", "labels"), (scores.count, labels.count))
    }
    if let bad = labels.firstIndex(where: { $0 != 0 && $0 != 1 }) {
        throw EvaluationError("rocAUC: label \(labels[bad]) at row \(bad) is not 0 or 1")
    }
    if let bad = scores.firstIndex(where: \.isNaN) {
        throw EvaluationError("rocAUC: score at row \(bad) is NaN")
    }
    let positives = labels.reduce(0, +)
    let negatives = labels.count - positives
    guard positives > 0, negatives > 0 else {
        throw EvaluationError("rocAUC: needs both classes, got \(positives) positive and \(negatives) negative labels")
    }
    // Mid-ranks (1-based, ties averaged) summed over the positives give U = rankSum - P(P+1)/2.
    let order = scores.indices.sorted { scores[$0] < scores[$1] }
    var rankSum = 0.0
    var start = 0
    while start < order.count {
        var end = start
        while end + 1 < order.count && scores[order[end + 1]] == scores[order[start]] { end += 1 }
        let midRank = Double(start + end) / 2 + 1
        for i in start...end where labels[order[i]] == 1 { rankSum += midRank }
        start = end + 1
    }
    let u = rankSum - Double(positives) * Double(positives + 1) / 2
    return u / (Double(positives) * Double(negatives))
}

/// One point of a ROC curve: the rates when objects scoring at least `threshold` are called positive.
public struct ROCPoint: Sendable, Equatable {
    public var threshold: Double
    public var falsePositiveRate: Double
    public var truePositiveRate: Double
}

/// The ROC curve from (0, 0) to (1, 1), one point per distinct score (highest first).
public func rocCurve(scores: [Double], labels: [Int]) throws -> [ROCPoint] {
    _ = try rocAUC(scores: scores, labels: labels)  // same validation
    let positives = Double(labels.reduce(0, +))
    let negatives = Double(labels.count) - positives
    let order = scores.indices.sorted { scores[$0] > scores[$1] }
    var points = [ROCPoint(threshold: .infinity, falsePositiveRate: 0, truePositiveRate: 0)]
    var tp = 0.0, fp = 0.0
    var i = 0
    while i < order.count {
        let threshold = scores[order[i]]
        while i < order.count && scores[order[i]] == threshold {
            if labels[order[i]] == 1 { tp += 1 } else { fp += 1 }
            i += 1
        }
        points.append(ROCPoint(threshold: threshold, falsePositiveRate: fp / negatives, truePositiveRate: tp / positives))
    }
    return points
}
