// Errors for bad input to the metrics: each names the operation and the sizes or values that do not fit.

/// Bad input to an evaluation function.
public struct EvaluationError: Error, CustomStringConvertible, Equatable, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }

    static func lengthMismatch(_ operation: String, _ names: (String, String), _ counts: (Int, Int)) -> EvaluationError {
        EvaluationError("\(operation): \(names.0) has \(counts.0) values but \(names.1) has \(counts.1)")
    }
}
