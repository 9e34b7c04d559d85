// Mean and spread of a metric across cross-validation folds or training seeds.

/// Mean and sample standard deviation (n − 1 in the denominator; 0 for a single value) of some values.
public struct MetricSummary: Sendable, Equatable {
    public var count: Int
    public var mean: Double
    public var standardDeviation: Double
    public var minimum: Double
    public var maximum: Double

    public init(_ values: [Double]) {
        precondition(!values.isEmpty, "MetricSummary of no values")
        count = values.count
        mean = values.reduce(0, +) / Double(values.count)
        standardDeviation = Evaluation.standardDeviation(values)
        minimum = values.min()!
        maximum = values.max()!
    }
}

/// One summary per metric name over several runs (folds or seeds), e.g. from `ClassificationReport.flatMetrics`.
/// A metric missing from some runs is summarised over the runs that have it.
public func summarize(_ runs: [[String: Double]]) -> [String: MetricSummary] {
    var values: [String: [Double]] = [:]
    for run in runs {
        for (name, value) in run { values[name, default: []].append(value) }
    }
    return values.mapValues(MetricSummary.init)
}

/// Sample standard deviation (n − 1); 0 for fewer than two values.
func standardDeviation(_ values: [Double]) -> Double {
    guard values.count > 1 else { return 0 }
    let mean = values.reduce(0, +) / Double(values.count)
    return (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)).squareRoot()
}
