import Foundation
import Tensor
import SeededRandom

/// Where a layer's initial weights come from: torchvision's initialisations drawn from a seeded generator, or
/// zeros for a network whose weights are about to be loaded from a file (drawing 11 million normals costs ~0.7 s).
struct Initialiser {
    private(set) var generator: SeededGenerator?

    static func random(_ rng: SeededGenerator) -> Initialiser { Initialiser(generator: rng) }
    static let zeros = Initialiser(generator: nil)

    /// Kaiming (He) normal with fan-out and ReLU gain: N(0, 2 / fan_out), fan_out = out channels x kernel area
    /// (`nn.init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu")`).
    mutating func kaimingNormalFanOut(_ shape: [Int]) -> Tensor {
        guard generator != nil else { return Tensor.zeros(shape) }
        let fanOut = shape[0] * shape.dropFirst(2).reduce(1, *)
        return Tensor.normal(shape, std: Float((2.0 / Double(fanOut)).squareRoot()), using: &generator!)
    }

    /// PyTorch's default for `nn.Linear` and `nn.Conv2d` weights and biases: U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    /// (`kaiming_uniform_(a=sqrt(5))` reduces to this bound), fan_in = input features x kernel area.
    mutating func defaultUniform(_ shape: [Int], fanIn: Int) -> Tensor {
        guard generator != nil else { return Tensor.zeros(shape) }
        let bound = Float(1 / Double(fanIn).squareRoot())
        return Tensor.uniform(shape, low: -bound, high: bound, using: &generator!)
    }
}
