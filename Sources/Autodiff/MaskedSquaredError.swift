import Tensor

/// Mean squared error over the entries where `mask` is 1: `Σ mask (prediction - target)² / Σ mask`, for regression
/// targets that are missing for some objects (a catalogue parameter not measured). prediction, target and mask share
/// a shape; the mask is 0 or 1. Returns a scalar (shape []); 0 with no gradient when the mask is all zeros.
public func maskedMeanSquaredError(prediction: Variable, target: Tensor, mask: Tensor) throws -> Variable {
    let p = prediction.value
    guard target.shape == p.shape, mask.shape == p.shape else {
        throw EngineError.shape(op: "maskedMeanSquaredError", "prediction \(p.shape), target \(target.shape), mask \(mask.shape)")
    }
    var count: Float = 0
    var total: Double = 0
    var residual = [Float](repeating: 0, count: p.count)
    for i in 0..<p.count where mask.scalars[i] != 0 {
        let r = p.scalars[i] - target.scalars[i]
        residual[i] = r
        total += Double(r) * Double(r)
        count += 1
    }
    let denominator = max(count, 1)
    let shape = p.shape
    return Variable(value: Tensor(Float(total) / denominator), parents: [prediction]) { g in
        let scale = 2 * g.scalars[0] / denominator
        return [Tensor(shape: shape, scalars: residual.map { $0 * scale })]
    }
}
