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
