import Foundation
import Tensor

/// Weight initialisations, as torchvision's ResNet and PyTorch's layers do them, drawn from a seeded generator.
enum Initialisation {
    /// Kaiming (He) normal with fan-out and ReLU gain: N(0, 2 / fan_out), fan_out = out channels x kernel area
    /// (`nn.init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu")`).
    static func kaimingNormalFanOut(_ shape: [Int], using rng: inout SeededGenerator) -> Tensor {
        let fanOut = shape[0] * shape.dropFirst(2).reduce(1, *)
        return Tensor.normal(shape, std: Float((2.0 / Double(fanOut)).squareRoot()), using: &rng)
    }

    /// PyTorch's default for `nn.Linear` and `nn.Conv2d` weights and biases: U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    /// (`kaiming_uniform_(a=sqrt(5))` reduces to this bound), fan_in = input features x kernel area.
    static func defaultUniform(_ shape: [Int], fanIn: Int, using rng: inout SeededGenerator) -> Tensor {
        let bound = Float(1 / Double(fanIn).squareRoot())
        return Tensor.uniform(shape, low: -bound, high: bound, using: &rng)
    }
}
