import Autodiff
import Tensor
import SeededRandom

/// A 2-D convolution over NCHW input (PyTorch's `nn.Conv2d`): weight [out, in, k, k], optional bias [out].
public final class Conv2d: Module {
    public let weight: Variable
    public let bias: Variable?
    public let stride: Int
    public let padding: Int
    public var isTraining = true
    /// The range its input took in int8 calibration (the widest over every calibration batch); nil until then.
    public private(set) var int8Input: Int8Range?

    /// Widens `int8Input` to cover `range`.
    func observeInput(_ range: Int8Range) {
        guard let seen = int8Input else { int8Input = range; return }
        int8Input = Int8Range(maximum: max(seen.maximum, range.maximum),
                              nonNegative: seen.nonNegative && range.nonNegative)
    }

    /// Weights from Kaiming normal (fan-out, ReLU), as torchvision initialises a ResNet's convolutions; a bias,
    /// if any, from PyTorch's default uniform.
    public convenience init(inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                            bias: Bool = false, using rng: inout SeededGenerator) {
        var initialiser = Initialiser.random(rng)
        self.init(inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize, stride: stride,
                  padding: padding, bias: bias, initialiser: &initialiser)
        rng = initialiser.generator!
    }

    init(inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
         bias: Bool = false, initialiser: inout Initialiser) {
        precondition(inChannels > 0 && outChannels > 0 && kernelSize > 0 && stride > 0 && padding >= 0,
                     "Conv2d: bad configuration")
        let shape = [outChannels, inChannels, kernelSize, kernelSize]
        weight = Variable(initialiser.kaimingNormalFanOut(shape), requiresGrad: true)
        self.bias = bias
            ? Variable(initialiser.defaultUniform([outChannels], fanIn: inChannels * kernelSize * kernelSize),
                       requiresGrad: true)
            : nil
        self.stride = stride
        self.padding = padding
    }

    public var localParameters: [(name: String, variable: Variable)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public func callAsFunction(_ x: Variable) throws -> Variable {
        try conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding)
    }
}
