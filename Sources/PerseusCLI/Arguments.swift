import ArgumentParser
import Dataset
import NN
import Training

// The typed settings as command-line values: each option takes exactly its enum's raw values, and `--help` lists them.
extension Architecture: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
extension ScheduleKind: ExpressibleByArgument {}
extension AugmentationKind: ExpressibleByArgument {}
extension StretchKind: ExpressibleByArgument {}
extension Recipe: ExpressibleByArgument {}
extension SplitName: ExpressibleByArgument {}
extension JudgedSplit: ExpressibleByArgument {}
