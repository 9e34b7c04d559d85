import Autodiff
import Tensor

/// Modules applied in order; their entries are named by position (`0.weight`, `1.running_mean`), as PyTorch's.
public final class Sequential: Module {
    public let layers: [any Module]
    public var isTraining = true

    public init(_ layers: [any Module]) { self.layers = layers }

    public var children: [(name: String, module: any Module)] {
        layers.enumerated().map { (String($0.offset), $0.element) }
    }

    public func callAsFunction(_ x: Variable) throws -> Variable {
        try layers.reduce(x) { try $1($0) }
    }
}
