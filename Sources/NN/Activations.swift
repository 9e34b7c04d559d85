import Autodiff
import Tensor

/// `max(0, x)` as a module, for use in a `Sequential`.
public final class ReLU: Module {
    public var isTraining = true
    public init() {}
    public func callAsFunction(_ x: Variable) throws -> Variable { relu(x) }
}
