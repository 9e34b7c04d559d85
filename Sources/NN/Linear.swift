import Autodiff
import Tensor
import SeededRandom

/// A fully connected layer (PyTorch's `nn.Linear`): [N, in] -> [N, out] with weight [out, in] and bias [out].
public final class Linear: Module {
    public let weight: Variable
    public let bias: Variable?
    public var isTraining = true

    /// Weights and bias from PyTorch's default uniform U(-1/sqrt(in), 1/sqrt(in)).
    public convenience init(inFeatures: Int, outFeatures: Int, bias: Bool = true, using rng: inout SeededGenerator) {
        var initialiser = Initialiser.random(rng)
        self.init(inFeatures: inFeatures, outFeatures: outFeatures, bias: bias, initialiser: &initialiser)
        rng = initialiser.generator!
    }

    init(inFeatures: Int, outFeatures: Int, bias: Bool = true, initialiser: inout Initialiser) {
        precondition(inFeatures > 0 && outFeatures > 0, "Linear: bad configuration")
        weight = Variable(initialiser.defaultUniform([outFeatures, inFeatures], fanIn: inFeatures),
                          requiresGrad: true)
        self.bias = bias
            ? Variable(initialiser.defaultUniform([outFeatures], fanIn: inFeatures), requiresGrad: true)
            : nil
    }

    public var localParameters: [(name: String, variable: Variable)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public func callAsFunction(_ x: Variable) throws -> Variable {
        try linear(x, weight: weight, bias: bias)
    }
}
