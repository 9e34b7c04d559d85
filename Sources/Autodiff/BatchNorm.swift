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

    /// running = (1 - momentum) * running + momentum * batch, with the batch's unbiased variance.
    func update(mean batchMean: Tensor, variance batchVariance: Tensor, count: Int, momentum: Float) throws {
        let unbiased = batchVariance.scaled(by: Float(count) / Float(count - 1))
        mean = try mean.scaled(by: 1 - momentum).adding(batchMean.scaled(by: momentum))
        variance = try variance.scaled(by: 1 - momentum).adding(unbiased.scaled(by: momentum))
        batchesTracked += 1
    }
}

/// Batch normalisation of x [N, C, H, W] or [N, C] with per-channel weight (gamma) and bias (beta) [C].
/// Training mode normalises with the batch's mean and biased variance and updates `running` as PyTorch does
/// (running = (1 - momentum) * running + momentum * batch, with the unbiased variance); evaluation mode
/// normalises with `running`.
public func batchNorm(_ x: Variable, weight: Variable, bias: Variable, running: RunningStatistics,
                      training: Bool, momentum: Float = 0.1, epsilon: Float = 1e-5) throws -> Variable {
    try backend.batchNorm(x, weight: weight, bias: bias, running: running, training: training, momentum: momentum,
                          epsilon: epsilon)
}

/// `relu(batchNorm(x, ...))`, in one pass over blocked layouts (oneDNN's fused batch norm + ReLU in training).
public func batchNormReLU(_ x: Variable, weight: Variable, bias: Variable, running: RunningStatistics,
                          training: Bool, momentum: Float = 0.1, epsilon: Float = 1e-5) throws -> Variable {
    try backend.batchNormReLU(x, weight: weight, bias: bias, running: running, training: training,
                              momentum: momentum, epsilon: epsilon)
}

extension PlainBackend {
    func batchNorm(_ x: Variable, weight: Variable, bias: Variable, running: RunningStatistics, training: Bool,
                   momentum: Float, epsilon: Float) throws -> Variable {
        let input = x.value, gamma = weight.value
        let output: Tensor, mean: Tensor, variance: Tensor
        if training {
            (output, mean, variance) = try batchNormTrainingForward(input, weight: gamma, bias: bias.value,
                                                                    epsilon: epsilon)
            try running.update(mean: mean, variance: variance, count: input.count / mean.count, momentum: momentum)
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

    func batchNormReLU(_ x: Variable, weight: Variable, bias: Variable, running: RunningStatistics, training: Bool,
                       momentum: Float, epsilon: Float) throws -> Variable {
        relu(try batchNorm(x, weight: weight, bias: bias, running: running, training: training, momentum: momentum,
                           epsilon: epsilon))
    }
}

extension BlockedBackend {
    func batchNorm(_ x: Variable, weight: Variable, bias: Variable, running: RunningStatistics, training: Bool,
                   momentum: Float, epsilon: Float) throws -> Variable {
        guard x.storage.isLayout else {
            return try PlainBackend().batchNorm(x, weight: weight, bias: bias, running: running, training: training,
                                                momentum: momentum, epsilon: epsilon)
        }
        return try batchNormLayout(x, weight: weight, bias: bias, running: running, training: training,
                                   momentum: momentum, epsilon: epsilon, relu: false)
    }

    /// Fused in training; otherwise this backend's batch norm, then its ReLU.
    func batchNormReLU(_ x: Variable, weight: Variable, bias: Variable, running: RunningStatistics, training: Bool,
                       momentum: Float, epsilon: Float) throws -> Variable {
        guard x.storage.isLayout, training else {
            return relu(try batchNorm(x, weight: weight, bias: bias, running: running, training: training,
                                      momentum: momentum, epsilon: epsilon))
        }
        return try batchNormLayout(x, weight: weight, bias: bias, running: running, training: training,
                                   momentum: momentum, epsilon: epsilon, relu: true)
    }

    private func batchNormLayout(_ x: Variable, weight: Variable, bias: Variable, running: RunningStatistics,
                                 training: Bool, momentum: Float, epsilon: Float, relu: Bool) throws -> Variable {
        let input = x.storage.layout, gamma = weight.value
        let parents = [x, weight, bias]
        if training {
            let r = try LayoutOps.batchNormTraining(input, weight: gamma, bias: bias.value, epsilon: epsilon, relu: relu)
            try running.update(mean: r.mean, variance: r.variance, count: input.count / r.mean.count, momentum: momentum)
            return Variable(values: .layout(r.output), parents: parents) { g in
                let grads = try LayoutOps.batchNormBackward(g.layout, input: input, weight: gamma, mean: r.mean,
                                                            variance: r.variance, epsilon: epsilon, training: true,
                                                            workspace: r.workspace)
                return [.layout(grads.input), .plain(grads.weight), .plain(grads.bias)]
            }
        }
        let (mean, variance) = (running.mean, running.variance)
        let recording = GradMode.isEnabled && parents.contains { $0.requiresGrad }
        let output = try LayoutOps.batchNormInference(input, weight: gamma, bias: bias.value, mean: mean,
                                                      variance: variance, epsilon: epsilon, training: recording)
        return Variable(values: .layout(output), parents: parents) { g in
            let grads = try LayoutOps.batchNormBackward(g.layout, input: input, weight: gamma, mean: mean,
                                                        variance: variance, epsilon: epsilon, training: false)
            return [.layout(grads.input), .plain(grads.weight), .plain(grads.bias)]
        }
    }
}
