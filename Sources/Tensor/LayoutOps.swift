/// How a convolution computes: `direct`, or Winograd's minimal filtering (F(4x4, 3x3): about 2.25x fewer
/// multiplications for 3x3 stride-1 convolutions, with a slightly larger rounding error). Winograd falls back to
/// direct where oneDNN has no Winograd kernel for the shape.
public enum ConvolutionAlgorithm: String, Sendable, Hashable {
    case direct, winograd
}

/// A convolution's weights for one forward and backward pass: the row-major values, and the copy the forward pass
/// reordered into its primitive's layout, which the backward-data pass reuses when its primitive wants the same
/// layout (saving one reorder of every 3x3 weight per training step). Made per call, so never stale.
public final class ConvolutionWeights: @unchecked Sendable {
    /// What identifies the weights in the inference cache (`InferenceWeights`): the weights themselves, or what they
    /// are made from (a convolution's weight and the batch norm folded into it), so a cache hit skips the making.
    let identity: [Tensor]
    private let make: (@Sendable () -> Tensor)?
    public private(set) lazy var plain: Tensor = make?() ?? identity[0]
    var reordered: LayoutTensor?
    public let shape: [Int]

    public init(_ plain: Tensor) {
        identity = [plain]
        make = nil
        shape = plain.shape
    }

    /// Weights of `shape` made by `make` from `identity` (which must determine them), only when needed.
    init(shape: [Int], identity: [Tensor], make: @escaping @Sendable () -> Tensor) {
        self.identity = identity
        self.make = make
        self.shape = shape
    }
}

/// The engine's layer kernels on `LayoutTensor`s (oneDNN primitives, activations kept in the layout the
/// convolutions chose). Same semantics as the plain kernels (`conv2dForward`, `batchNormTrainingForward`,
/// `reluForward`, `maxPool2dForward`, ...), which stay as the reference they are tested against.
public enum LayoutOps {
    /// Convolution, optionally adding `accumulate` (a residual, any layout) to the result and then clipping at 0.
    public static func conv2dForward(_ x: LayoutTensor, weight: Tensor, bias: Tensor?, stride: Int, padding: Int,
                                     algorithm: ConvolutionAlgorithm = .direct, accumulate: LayoutTensor? = nil,
                                     relu: Bool = false, training: Bool = true) throws -> LayoutTensor {
        try conv2dForward(x, weights: ConvolutionWeights(weight), bias: bias, stride: stride, padding: padding,
                          algorithm: algorithm, accumulate: accumulate, relu: relu, training: training)
    }

    /// As above; in training, `weights` keeps the reordered copy for `conv2dBackwardData` to reuse.
    public static func conv2dForward(_ x: LayoutTensor, weights: ConvolutionWeights, bias: Tensor?, stride: Int,
                                     padding: Int, algorithm: ConvolutionAlgorithm = .direct,
                                     accumulate: LayoutTensor? = nil, relu: Bool = false,
                                     training: Bool = true, precision: ConvolutionPrecision = .fp32) throws -> LayoutTensor {
        let g = try Conv2DGeometry(input: x.shape, weight: weights.shape, stride: stride, padding: padding)
        if let bias, bias.shape != [g.outChannels] {
            throw EngineError.shape(op: "conv2d", "bias \(bias.shape) for weight \(weights.shape): expected [\(g.outChannels)]")
        }
        if let accumulate, accumulate.shape != g.outputShape {
            throw EngineError.shape(op: "conv2d", "residual \(accumulate.shape) for output \(g.outputShape)")
        }
        return try LayoutEngine.shared().convolutionForward(x, weight: weights, bias: bias, g, algorithm: algorithm,
                                                            accumulate: accumulate, relu: relu, training: training,
                                                            precision: precision)
    }

    public static func conv2dBackwardData(_ dy: LayoutTensor, weight: Tensor, inputShape: [Int], stride: Int,
                                          padding: Int, algorithm: ConvolutionAlgorithm = .direct) throws -> LayoutTensor {
        try conv2dBackwardData(dy, weights: ConvolutionWeights(weight), inputShape: inputShape, stride: stride,
                               padding: padding, algorithm: algorithm)
    }

    /// `precision`: the forward pass's (fp32 or bf16); the input's gradient is fp32 either way.
    public static func conv2dBackwardData(_ dy: LayoutTensor, weights: ConvolutionWeights, inputShape: [Int],
                                          stride: Int, padding: Int, algorithm: ConvolutionAlgorithm = .direct,
                                          precision: ConvolutionPrecision = .fp32) throws -> LayoutTensor {
        let weight = weights.plain
        let g = try Conv2DGeometry(input: inputShape, weight: weight.shape, stride: stride, padding: padding)
        guard dy.shape == g.outputShape else {
            throw EngineError.shape(op: "conv2d backward", "output gradient \(dy.shape), expected \(g.outputShape)")
        }
        return try LayoutEngine.shared().convolutionBackwardData(dy, weight: weights, g, algorithm: algorithm,
                                                                 precision: precision)
    }

    /// `precision`: the forward pass's (fp32 or bf16); the weights' and bias's gradients are fp32 either way.
    public static func conv2dBackwardWeights(_ dy: LayoutTensor, input: LayoutTensor, weightShape: [Int],
                                             withBias: Bool, stride: Int, padding: Int,
                                             algorithm: ConvolutionAlgorithm = .direct,
                                             precision: ConvolutionPrecision = .fp32) throws
        -> (weight: Tensor, bias: Tensor?)
    {
        let g = try Conv2DGeometry(input: input.shape, weight: weightShape, stride: stride, padding: padding)
        guard dy.shape == g.outputShape else {
            throw EngineError.shape(op: "conv2d backward", "output gradient \(dy.shape), expected \(g.outputShape)")
        }
        return try LayoutEngine.shared().convolutionBackwardWeights(dy, input: input, g, withBias: withBias,
                                                                    algorithm: algorithm, precision: precision)
    }

    /// Evaluation-mode `relu?(batchNorm(conv2d(x)) + accumulate?)` as one convolution: the batch norm's statistics
    /// folded into the weights and bias (`BatchNormFold`), the residual and ReLU as the convolution's post-ops.
    public static func conv2dBatchNormInference(_ x: LayoutTensor, weight: Tensor, bias: Tensor?, stride: Int,
                                                padding: Int, normWeight: Tensor, normBias: Tensor, mean: Tensor,
                                                variance: Tensor, epsilon: Float,
                                                algorithm: ConvolutionAlgorithm = .direct,
                                                accumulate: LayoutTensor? = nil, relu: Bool = false,
                                                precision: ConvolutionPrecision = .fp32) throws
        -> LayoutTensor
    {
        // The bias folds every call; the weights only when the inference cache has not seen these weights and
        // statistics (a pass over every weight, ~20 ms of a ResNet-18 batch).
        let fold = try BatchNormFold(outChannels: weight.shape.first ?? 0, bias: bias, normWeight: normWeight,
                                     normBias: normBias, mean: mean, variance: variance, epsilon: epsilon)
        let weights = ConvolutionWeights(shape: weight.shape,
                                         identity: [weight, normWeight, variance, Tensor(shape: [1], scalars: [epsilon])]) {
            fold.weight(weight)
        }
        // oneDNN has no bf16 or int8 Winograd on this CPU: direct convolution.
        return try conv2dForward(x, weights: weights, bias: fold.bias, stride: stride, padding: padding,
                                 algorithm: precision == .fp32 ? algorithm : .direct, accumulate: accumulate,
                                 relu: relu, training: false, precision: precision)
    }

    /// Training-mode batch norm (batch statistics), optionally followed by ReLU in the same pass; `workspace` is
    /// then the ReLU's mask for the backward pass.
    public static func batchNormTraining(_ x: LayoutTensor, weight: Tensor, bias: Tensor, epsilon: Float,
                                         relu: Bool = false) throws
        -> (output: LayoutTensor, mean: Tensor, variance: Tensor, workspace: LayoutTensor?)
    {
        let g = try BatchNormGeometry(input: x.shape, parameters: [weight.shape, bias.shape])
        guard g.countPerChannel > 1 else {
            throw EngineError.shape(op: "batchNorm", "input \(x.shape): training needs more than 1 value per channel")
        }
        return try LayoutEngine.shared().batchNormTraining(x, weight: weight, bias: bias, epsilon: epsilon, relu: relu)
    }

    /// Batch norm with given statistics (evaluation mode). `training`: a backward pass will follow.
    public static func batchNormInference(_ x: LayoutTensor, weight: Tensor, bias: Tensor, mean: Tensor,
                                          variance: Tensor, epsilon: Float, training: Bool = false) throws -> LayoutTensor {
        _ = try BatchNormGeometry(input: x.shape, parameters: [weight.shape, bias.shape, mean.shape, variance.shape])
        return try LayoutEngine.shared().batchNormInference(x, weight: weight, bias: bias, mean: mean,
                                                            variance: variance, epsilon: epsilon, training: training)
    }

    /// Gradients of batch norm (and of the fused ReLU when `workspace` is given). `training`: the statistics were
    /// the batch's.
    public static func batchNormBackward(_ dy: LayoutTensor, input: LayoutTensor, weight: Tensor, mean: Tensor,
                                         variance: Tensor, epsilon: Float, training: Bool,
                                         workspace: LayoutTensor? = nil) throws
        -> (input: LayoutTensor, weight: Tensor, bias: Tensor)
    {
        _ = try BatchNormGeometry(input: input.shape, parameters: [weight.shape, mean.shape, variance.shape],
                                  op: "batchNorm backward")
        guard dy.shape == input.shape else {
            throw EngineError.shape(op: "batchNorm backward", "output gradient \(dy.shape) for input \(input.shape)")
        }
        return try LayoutEngine.shared().batchNormBackward(dy, input: input, weight: weight, mean: mean,
                                                           variance: variance, epsilon: epsilon, global: !training,
                                                           workspace: workspace)
    }

    public static func relu(_ x: LayoutTensor, training: Bool = true) throws -> LayoutTensor {
        try LayoutEngine.shared().relu(x, training: training)
    }

    public static func reluBackward(_ dy: LayoutTensor, output: LayoutTensor) throws -> LayoutTensor {
        guard dy.shape == output.shape else {
            throw EngineError.shape(op: "relu backward", "output gradient \(dy.shape) for output \(output.shape)")
        }
        return try LayoutEngine.shared().reluBackward(dy, output: output)
    }

    /// a + b, in a's layout.
    public static func add(_ a: LayoutTensor, _ b: LayoutTensor) throws -> LayoutTensor {
        guard a.shape == b.shape else { throw EngineError.shape(op: "add", "\(a.shape) + \(b.shape)") }
        return try LayoutEngine.shared().add(a, b)
    }

    /// Max pooling; with `training`, also the workspace (where the maxima were) for the backward pass.
    public static func maxPool2d(_ x: LayoutTensor, kernel: Int, stride: Int, padding: Int, training: Bool = true) throws
        -> (output: LayoutTensor, workspace: LayoutTensor?)
    {
        let g = try MaxPool2DGeometry(input: x.shape, kernel: kernel, stride: stride, padding: padding)
        return try LayoutEngine.shared().maxPool(x, g, training: training)
    }

    public static func maxPool2dBackward(_ dy: LayoutTensor, input: LayoutTensor, kernel: Int, stride: Int,
                                         padding: Int, workspace: LayoutTensor) throws -> LayoutTensor {
        let g = try MaxPool2DGeometry(input: input.shape, kernel: kernel, stride: stride, padding: padding)
        guard dy.shape == g.outputShape else {
            throw EngineError.shape(op: "maxPool2d backward", "output gradient \(dy.shape), expected \(g.outputShape)")
        }
        return try LayoutEngine.shared().maxPoolBackward(dy, input: input, g, workspace: workspace)
    }

    /// Primitives created so far (tests: a repeated step must create none).
    public static var cachedPrimitiveCount: Int { (try? LayoutEngine.shared().cachedCount) ?? 0 }
}
