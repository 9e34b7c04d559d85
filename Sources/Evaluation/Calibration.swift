// Calibration: whether a predicted probability of 0.8 is right 80% of the time. Reliability bins and the expected
// calibration error use the top-label confidence (Guo et al. 2017); temperature scaling divides the logits by one
// number T fitted on the validation split to minimise the negative log-likelihood.
import Foundation

/// One equal-width confidence bin of a reliability diagram.
public struct ReliabilityBin: Sendable, Equatable {
    public var lower: Double
    public var upper: Double
    public var count: Int
    /// Mean top-label confidence of the objects in the bin (0 when empty).
    public var meanConfidence: Double
    /// Fraction of the objects in the bin whose top label is right (0 when empty).
    public var accuracy: Double
}

/// Reliability-diagram data and the expected calibration error of class probabilities.
public struct Calibration: Sendable, Equatable {
    public var bins: [ReliabilityBin]
    /// Σ (n_b / n) |accuracy_b − confidence_b| over the bins.
    public var expectedCalibrationError: Double
    /// The largest |accuracy_b − confidence_b| over non-empty bins.
    public var maximumCalibrationError: Double

    /// Bins `probabilities[i]` (one row per object, summing to 1) by the top-label confidence in `binCount`
    /// equal-width bins over [0, 1] (a confidence on an edge goes to the bin above; 1 goes to the last bin).
    public init(probabilities: [[Double]], labels: [Int], binCount: Int = 10) throws {
        guard probabilities.count == labels.count else {
            throw EvaluationError.lengthMismatch("Calibration", ("probabilities", "labels"), (probabilities.count, labels.count))
        }
        guard binCount >= 1 else { throw EvaluationError("Calibration: binCount must be at least 1, got \(binCount)") }
        guard !labels.isEmpty else { throw EvaluationError("Calibration: no objects") }
        var counts = Array(repeating: 0, count: binCount)
        var confidenceSums = Array(repeating: 0.0, count: binCount)
        var correct = Array(repeating: 0, count: binCount)
        for (i, (row, label)) in zip(probabilities, labels).enumerated() {
            guard (0..<row.count).contains(label) else {
                throw EvaluationError("Calibration: row \(i) has label \(label) but \(row.count) class probabilities")
            }
            guard let top = row.indices.max(by: { row[$0] < row[$1] }), row[top].isFinite else {
                throw EvaluationError("Calibration: row \(i) has no finite probabilities")
            }
            let confidence = row[top]
            let bin = min(binCount - 1, max(0, Int(confidence * Double(binCount))))
            counts[bin] += 1
            confidenceSums[bin] += confidence
            if top == label { correct[bin] += 1 }
        }
        let n = Double(labels.count)
        bins = (0..<binCount).map { b in
            ReliabilityBin(lower: Double(b) / Double(binCount), upper: Double(b + 1) / Double(binCount), count: counts[b],
                           meanConfidence: counts[b] == 0 ? 0 : confidenceSums[b] / Double(counts[b]),
                           accuracy: ratio(correct[b], counts[b]))
        }
        expectedCalibrationError = bins.reduce(0) { $0 + Double($1.count) / n * abs($1.accuracy - $1.meanConfidence) }
        maximumCalibrationError = bins.filter { $0.count > 0 }.map { abs($0.accuracy - $0.meanConfidence) }.max() ?? 0
    }

    /// Calibration of logits (softmax taken per row).
    public init(logits: [[Double]], labels: [Int], binCount: Int = 10) throws {
        try self.init(probabilities: logits.map { softmax($0) }, labels: labels, binCount: binCount)
    }
}

/// Numerically stable softmax of `logits / temperature`.
public func softmax(_ logits: [Double], temperature: Double = 1) -> [Double] {
    let scaled = logits.map { $0 / temperature }
    let top = scaled.max() ?? 0
    let e = scaled.map { Foundation.exp($0 - top) }
    let sum = e.reduce(0, +)
    return e.map { $0 / sum }
}

/// Mean negative log-likelihood of `labels` under `softmax(logits / temperature)`.
public func negativeLogLikelihood(logits: [[Double]], labels: [Int], temperature: Double = 1) throws -> Double {
    guard logits.count == labels.count else {
        throw EvaluationError.lengthMismatch("negativeLogLikelihood", ("logits", "labels"), (logits.count, labels.count))
    }
    guard !labels.isEmpty else { throw EvaluationError("negativeLogLikelihood: no objects") }
    var total = 0.0
    for (i, (row, label)) in zip(logits, labels).enumerated() {
        guard (0..<row.count).contains(label) else {
            throw EvaluationError("negativeLogLikelihood: row \(i) has label \(label) but \(row.count) logits")
        }
        let scaled = row.map { $0 / temperature }
        let top = scaled.max()!
        let logSum = top + Foundation.log(scaled.reduce(0) { $0 + Foundation.exp($1 - top) })
        total += logSum - scaled[label]
    }
    return total / Double(labels.count)
}

/// Temperature scaling: logits are divided by `temperature` before the softmax. T > 1 softens over-confident
/// predictions; the predicted class never changes.
public struct TemperatureScaling: Sendable, Equatable {
    public var temperature: Double

    public init(temperature: Double) {
        precondition(temperature > 0 && temperature.isFinite, "TemperatureScaling: temperature must be positive, got \(temperature)")
        self.temperature = temperature
    }

    /// Fits T on validation logits by minimising the mean negative log-likelihood over log T in
    /// [log `range.lowerBound`, log `range.upperBound`] with golden-section search. The likelihood is convex in 1/T,
    /// so it has one minimum along log T and the search finds it.
    public static func fit(logits: [[Double]], labels: [Int], range: ClosedRange<Double> = 0.01...100,
                           tolerance: Double = 1e-6) throws -> TemperatureScaling {
        guard range.lowerBound > 0 else { throw EvaluationError("TemperatureScaling.fit: range must be positive, got \(range)") }
        _ = try negativeLogLikelihood(logits: logits, labels: labels)  // validates the input once
        func loss(_ logT: Double) -> Double {
            (try? negativeLogLikelihood(logits: logits, labels: labels, temperature: Foundation.exp(logT))) ?? .infinity
        }
        let ratio = (5.0.squareRoot() - 1) / 2
        var a = Foundation.log(range.lowerBound), b = Foundation.log(range.upperBound)
        var c = b - ratio * (b - a), d = a + ratio * (b - a)
        var fc = loss(c), fd = loss(d)
        while b - a > tolerance {
            if fc < fd {
                b = d; d = c; fd = fc
                c = b - ratio * (b - a); fc = loss(c)
            } else {
                a = c; c = d; fc = fd
                d = a + ratio * (b - a); fd = loss(d)
            }
        }
        return TemperatureScaling(temperature: Foundation.exp((a + b) / 2))
    }

    /// The logits divided by the temperature.
    public func apply(logits: [[Double]]) -> [[Double]] {
        logits.map { $0.map { $0 / temperature } }
    }

    /// Calibrated class probabilities.
    public func probabilities(logits: [[Double]]) -> [[Double]] {
        logits.map { softmax($0, temperature: temperature) }
    }
}
