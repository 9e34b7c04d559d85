import Tensor
import SeededRandom

/// Inverted dropout: zeroes each element with probability `probability` and scales the rest by
/// 1 / (1 - probability), so evaluation (`training == false`, the identity) needs no rescaling.
/// The mask is drawn from `rng` (only in training).
public func dropout(_ x: Variable, probability: Float, training: Bool, using rng: inout SeededGenerator) throws
    -> Variable
{
    guard probability >= 0, probability <= 1 else {
        throw EngineError.invalidArgument(op: "dropout", "probability \(probability) is not in [0, 1]")
    }
    guard training, probability > 0 else { return x }
    let mask = try dropoutMask(x.shape, probability: probability, using: &rng)
    return Variable(value: try x.value.multiplying(mask), parents: [x]) { g in [try g.multiplying(mask)] }
}
