import Tensor

/// Evaluation-mode `relu?(batchNorm(conv2d(x)) + residual?)` as one convolution, without gradients: batch norm's
/// running statistics are folded into the convolution's weights and bias (w' = w s, b' = beta + (b - mean) s with
/// s = gamma / sqrt(var + eps)), and the residual addition and ReLU run as the convolution's post-ops.
public func conv2dBatchNormInference(_ x: Variable, weight: Variable, bias: Variable?, stride: Int, padding: Int,
                                     normWeight: Variable, normBias: Variable, running: RunningStatistics,
                                     epsilon: Float, relu: Bool, residual: Variable? = nil) throws -> Variable {
    let w = weight.value
    let outChannels = w.shape[0]
    guard normWeight.shape == [outChannels], normBias.shape == [outChannels], running.mean.shape == [outChannels],
          running.variance.shape == [outChannels] else {
        throw EngineError.shape(op: "conv2d+batchNorm", "weight \(w.shape) with batch norm over \(normWeight.shape)")
    }
    let perFilter = w.count / outChannels
    var folded = w, foldedBias = Tensor(shape: [outChannels])
    let gamma = normWeight.value.scalars, beta = normBias.value.scalars
    let mean = running.mean.scalars, variance = running.variance.scalars, convBias = bias?.value.scalars
    folded.withUnsafeMutableBufferPointer { fw in
        foldedBias.withUnsafeMutableBufferPointer { fb in
            for o in 0..<outChannels {
                let s = gamma[o] / (variance[o] + epsilon).squareRoot()
                for i in (o * perFilter)..<((o + 1) * perFilter) { fw[i] *= s }
                fb[o] = beta[o] + ((convBias?[o] ?? 0) - mean[o]) * s
            }
        }
    }
    let output = try LayoutOps.conv2dForward(x.storage.layout, weight: folded, bias: foldedBias, stride: stride,
                                             padding: padding, algorithm: EngineOptions.algorithm,
                                             accumulate: residual?.storage.layout, relu: relu, training: false)
    return Variable(values: .layout(output), parents: []) { _ in [] }
}

/// Whether a module in evaluation mode may run its fused inference path (no gradients recorded, and a backend
/// that fuses: blocked layouts).
public var fusedInferenceEnabled: Bool {
    EngineOptions.fuseInference && backend.fusesInference && !GradMode.isEnabled
}
