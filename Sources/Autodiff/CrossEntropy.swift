import Foundation
import Tensor

/// Softmax cross-entropy as `torch.nn.functional.cross_entropy(logits, labels, weight:, label_smoothing:)`:
/// logits [N, K], labels in 0..<K; the mean over the batch (weighted: divided by the sum of the targets' class
/// weights). Returns a scalar (shape []).
public func softmaxCrossEntropy(logits: Variable, labels: [Int], classWeights: [Float]? = nil,
                                labelSmoothing: Float = 0) throws -> Variable {
    let result = try SoftmaxCrossEntropy(logits: logits.value, labels: labels, classWeights: classWeights,
                                         labelSmoothing: labelSmoothing)
    return Variable(value: Tensor(result.loss), parents: [logits]) { g in
        [result.gradient(scale: g.scalars[0])]
    }
}

/// Cross-entropy against target distributions (soft targets, as in distillation), as
/// `torch.nn.functional.cross_entropy(logits, targets)` with class probabilities: logits and targets [N, K], each
/// target row summing to 1; the mean over the batch of -Σ_k t[i, k] log softmax(z)[i, k]. The logits' gradient is
/// (softmax(z) - t) / N.
public func softmaxCrossEntropy(logits: Variable, targets: Tensor) throws -> Variable {
    let z = logits.value
    guard z.rank == 2, z.shape[0] > 0, targets.shape == z.shape else {
        throw EngineError.shape(op: "softmaxCrossEntropy", "logits \(z.shape) with targets \(targets.shape): both must be [N, K]")
    }
    let (n, k) = (z.shape[0], z.shape[1])
    let p = try z.softmax()
    var loss = 0.0
    for i in 0..<n {
        var top = -Float.infinity
        for j in 0..<k { top = max(top, z[i, j]) }
        var total = 0.0
        for j in 0..<k { total += Double(expf(z[i, j] - top)) }
        let logTotal = Double(top) + log(total)
        for j in 0..<k { loss += Double(targets[i, j]) * (logTotal - Double(z[i, j])) }
    }
    return Variable(value: Tensor(Float(loss / Double(n))), parents: [logits]) { g in
        let scale = g.scalars[0] / Float(n)
        return [Tensor(shape: z.shape, scalars: zip(p.scalars, targets.scalars).map { ($0 - $1) * scale })]
    }
}
