import Tensor

/// Evaluation-mode `relu?(batchNorm(conv2d(x)) + residual?)` as one convolution, without gradients: the engine folds
/// batch norm's running statistics into the convolution's weights and bias (`LayoutOps.conv2dBatchNormInference`)
/// and runs the residual addition and ReLU as the convolution's post-ops. Modules call it only when
/// `fusedInferenceEnabled`.
public func conv2dBatchNormInference(_ x: Variable, weight: Variable, bias: Variable?, stride: Int, padding: Int,
                                     normWeight: Variable, normBias: Variable, running: RunningStatistics,
                                     epsilon: Float, relu: Bool, residual: Variable? = nil,
                                     precision: ConvolutionPrecision = .fp32) throws -> Variable {
    let output = try LayoutOps.conv2dBatchNormInference(
        x.storage.layout, weight: weight.value, bias: bias?.value, stride: stride, padding: padding,
        normWeight: normWeight.value, normBias: normBias.value, mean: running.mean, variance: running.variance,
        epsilon: epsilon, algorithm: EngineOptions.algorithm, accumulate: residual?.storage.layout, relu: relu,
        precision: precision)
    return Variable(values: .layout(output), parents: []) { _ in [] }
}

/// The range of `x`'s values, as int8 calibration records it for the convolution it feeds.
public func int8Range(of x: Variable) -> Int8Range {
    x.storage.layout.int8Range
}

/// Whether a module in evaluation mode may run its fused inference path (no gradients recorded, and a backend
/// that fuses: blocked layouts).
public var fusedInferenceEnabled: Bool {
    EngineOptions.fuseInference && backend.fusesInference && !GradMode.isEnabled
}
