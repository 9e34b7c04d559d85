import Tensor

/// Running statistics of a batch-norm layer (a buffer, not a parameter): PyTorch's running_mean, running_var
/// (updated with the unbiased batch variance) and num_batches_tracked.
public final class RunningStatistics {
    public var mean: Tensor        // [C], starts at 0
    public var variance: Tensor    // [C], starts at 1
    public var batchesTracked: Int64

    public init(channels: Int) {
        mean = Tensor.zeros([channels])
        variance = Tensor.ones([channels])
        batchesTracked = 0
    }
}

/// Batch normalisation of x [N, C, H, W] or [N, C] with per-channel weight (gamma) and bias (beta) [C].
/// Training mode normalises with the batch's mean and biased variance and updates `running` as PyTorch does
/// (running = (1 - momentum) * running + momentum * batch, with the unbiased variance); evaluation mode
/// normalises with `running`.
public func batchNorm(_ x: Variable, weight: Variable, bias: Variable, running: RunningStatistics,
                      training: Bool, momentum: Float = 0.1, epsilon: Float = 1e-5) throws -> Variable {
    let input = x.value, gamma = weight.value
    let output: Tensor, mean: Tensor, variance: Tensor
    if training {
        (output, mean, variance) = try batchNormTrainingForward(input, weight: gamma, bias: bias.value,
                                                                epsilon: epsilon)
        let count = Float(input.count / mean.count)
        let unbiased = variance.scaled(by: count / (count - 1))
        running.mean = try running.mean.scaled(by: 1 - momentum).adding(mean.scaled(by: momentum))
        running.variance = try running.variance.scaled(by: 1 - momentum).adding(unbiased.scaled(by: momentum))
        running.batchesTracked += 1
    } else {
        (mean, variance) = (running.mean, running.variance)
        output = try batchNormInferenceForward(input, weight: gamma, bias: bias.value, mean: mean,
                                               variance: variance, epsilon: epsilon)
    }
    return Variable(value: output, parents: [x, weight, bias]) { g in
        let grads = try batchNormBackward(g, input: input, weight: gamma, mean: mean, variance: variance,
                                          epsilon: epsilon, training: training)
        return [grads.input, grads.weight, grads.bias]
    }
}
