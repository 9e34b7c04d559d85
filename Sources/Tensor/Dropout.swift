import SeededRandom

/// Inverted dropout's mask: each element is 0 with probability `probability`, else 1 / (1 - probability), drawn
/// from `rng` in row-major order (so a seed fixes the mask). Multiply the input and the gradient by it.
public func dropoutMask(_ shape: [Int], probability: Float, using rng: inout SeededGenerator) throws -> Tensor {
    guard probability >= 0, probability <= 1 else {
        throw EngineError.invalidArgument(op: "dropout", "probability \(probability) is not in [0, 1]")
    }
    let keep: Float = probability < 1 ? 1 / (1 - probability) : 0
    var mask = Tensor(shape: shape)
    mask.withUnsafeMutableBufferPointer { m in
        for i in 0..<m.count { m[i] = rng.nextUniform() < probability ? 0 : keep }
    }
    return mask
}
