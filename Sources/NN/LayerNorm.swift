import Autodiff
import Tensor

/// Layer normalisation over the last axis (PyTorch's `nn.LayerNorm(d)`): weight 1 and bias 0 to start.
public final class LayerNorm: Module {
    public let weight: Variable
    public let bias: Variable
    public let epsilon: Float
    public var isTraining = true

    public init(features: Int, epsilon: Float = 1e-6) {
        precondition(features > 0, "LayerNorm: need at least one feature")
        weight = Variable(Tensor.ones([features]), requiresGrad: true)
        bias = Variable(Tensor.zeros([features]), requiresGrad: true)
        self.epsilon = epsilon
    }

    public var localParameters: [(name: String, variable: Variable)] { [("weight", weight), ("bias", bias)] }

    public func callAsFunction(_ x: Variable) throws -> Variable {
        try layerNorm(x, weight: weight, bias: bias, epsilon: epsilon)
    }
}
