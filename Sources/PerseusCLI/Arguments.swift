import ArgumentParser
import Dataset
import NN
import Tensor
import Training

// The typed settings as command-line values: each option takes exactly its enum's raw values, and `--help` lists them.
extension Architecture: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
extension ScheduleKind: ExpressibleByArgument {}
extension AugmentationKind: ExpressibleByArgument {}
extension StretchKind: ExpressibleByArgument {}
extension InferencePrecision: ExpressibleByArgument {}
extension TrainingPrecision: ExpressibleByArgument {}
extension Recipe: ExpressibleByArgument {}
extension SplitName: ExpressibleByArgument {}
extension JudgedSplit: ExpressibleByArgument {}
extension ResNetStage: ExpressibleByArgument {}

/// A value, or `none` for its absence (no magnitude cut, no held-out split): parsed once, here.
struct OrNone<Value: ExpressibleByArgument>: ExpressibleByArgument {
    var value: Value?

    init(_ value: Value?) { self.value = value }

    init?(argument: String) {
        if argument.lowercased() == "none" {
            value = nil
        } else {
            guard let parsed = Value(argument: argument) else { return nil }
            value = parsed
        }
    }

    var defaultValueDescription: String { value.map { "\($0)" } ?? "none" }
}
