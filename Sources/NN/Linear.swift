import Autodiff
import Tensor

/// A fully connected layer (PyTorch's `nn.Linear`): [N, in] -> [N, out] with weight [out, in] and bias [out].
public final class Linear: Module {
    public let weight: Variable
    public let bias: Variable?
    public var isTraining = true

    /// Weights and bias from PyTorch's default uniform U(-1/sqrt(in), 1/sqrt(in)).
    public init(inFeatures: Int, outFeatures: Int, bias: Bool = true, using rng: inout SeededGenerator) {
        precondition(inFeatures > 0 && outFeatures > 0, "Linear: bad configuration")
        weight = Variable(Initialisation.defaultUniform([outFeatures, inFeatures], fanIn: inFeatures, using: &rng),
                          requiresGrad: true)
        self.bias = bias
            ? Variable(Initialisation.defaultUniform([outFeatures], fanIn: inFeatures, using: &rng), requiresGrad: true)
            : nil
    }

    public var localParameters: [(name: String, variable: Variable)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public func callAsFunction(_ x: Variable) throws -> Variable {
        try linear(x, weight: weight, bias: bias)
    }
}
