/// The shapes of one 2-D convolution: input [N, C, H, W], weight [O, C, kH, kW], output [N, O, Ho, Wo] with
/// Ho = (H + 2p - kH) / s + 1 (PyTorch's Conv2d, no dilation, no groups).
public struct Conv2DGeometry: Hashable, Sendable, CustomStringConvertible {
    public let batch, inChannels, height, width: Int
    public let outChannels, kernelHeight, kernelWidth: Int
    public let stride, padding: Int

    public var outHeight: Int { (height + 2 * padding - kernelHeight) / stride + 1 }
    public var outWidth: Int { (width + 2 * padding - kernelWidth) / stride + 1 }
    public var inputShape: [Int] { [batch, inChannels, height, width] }
    public var weightShape: [Int] { [outChannels, inChannels, kernelHeight, kernelWidth] }
    public var outputShape: [Int] { [batch, outChannels, outHeight, outWidth] }

    /// Checks that the shapes fit together; the error names the op and the shapes.
    public init(input: [Int], weight: [Int], stride: Int, padding: Int) throws {
        let shapes = "input \(input), weight \(weight), stride \(stride), padding \(padding)"
        guard input.count == 4, weight.count == 4 else {
            throw EngineError.shape(op: "conv2d", "\(shapes): input must be [N, C, H, W] and weight [O, C, kH, kW]")
        }
        guard stride >= 1, padding >= 0 else {
            throw EngineError.invalidArgument(op: "conv2d", "\(shapes): stride must be >= 1 and padding >= 0")
        }
        guard input[0] > 0 else { throw EngineError.shape(op: "conv2d", "\(shapes): empty batch") }
        guard input[1] == weight[1] else {
            throw EngineError.shape(op: "conv2d",
                                    "\(shapes): input has \(input[1]) channels, weight expects \(weight[1])")
        }
        guard input.allSatisfy({ $0 > 0 }), weight.allSatisfy({ $0 > 0 }) else {
            throw EngineError.shape(op: "conv2d", "\(shapes): zero-sized dimension")
        }
        guard weight[2] <= input[2] + 2 * padding, weight[3] <= input[3] + 2 * padding else {
            throw EngineError.shape(op: "conv2d", "\(shapes): kernel larger than the padded input")
        }
        (batch, inChannels, height, width) = (input[0], input[1], input[2], input[3])
        (outChannels, kernelHeight, kernelWidth) = (weight[0], weight[2], weight[3])
        (self.stride, self.padding) = (stride, padding)
    }

    public var description: String {
        "[\(batch), \(inChannels), \(height), \(width)] * [\(outChannels), \(inChannels), \(kernelHeight), "
            + "\(kernelWidth)] s\(stride) p\(padding)"
    }

    /// Multiply-adds counted as 2 FLOPs, for one pass (forward, backward-data and backward-weights each cost this).
    public var flops: Double {
        2 * Double(batch * outChannels * outHeight * outWidth) * Double(inChannels * kernelHeight * kernelWidth)
    }
}

/// 2-D convolution forward on oneDNN: [N, C, H, W] * [O, C, kH, kW] (+ bias [O]) -> [N, O, Ho, Wo].
public func conv2dForward(_ input: Tensor, weight: Tensor, bias: Tensor?, stride: Int, padding: Int) throws -> Tensor {
    let g = try Conv2DGeometry(input: input.shape, weight: weight.shape, stride: stride, padding: padding)
    if let bias, bias.shape != [g.outChannels] {
        throw EngineError.shape(op: "conv2d", "bias \(bias.shape) for weight \(weight.shape): expected [\(g.outChannels)]")
    }
    let dnnl = try DNNL.shared()
    var output = Tensor(shape: g.outputShape)
    try output.withUnsafeMutableBufferPointer { out in
        try input.withUnsafeBufferPointer { x in
            try weight.withUnsafeBufferPointer { w in
                if let bias {
                    try bias.withUnsafeBufferPointer { b in
                        try dnnl.convolutionForward(g, src: x.baseAddress!, weights: w.baseAddress!,
                                                    bias: b.baseAddress!, dst: out.baseAddress!)
                    }
                } else {
                    try dnnl.convolutionForward(g, src: x.baseAddress!, weights: w.baseAddress!, bias: nil,
                                                dst: out.baseAddress!)
                }
            }
        }
    }
    return output
}

/// The gradient with respect to the convolution's input, given the output's gradient.
public func conv2dBackwardData(_ gradOutput: Tensor, weight: Tensor, inputShape: [Int], stride: Int,
                               padding: Int) throws -> Tensor {
    let g = try Conv2DGeometry(input: inputShape, weight: weight.shape, stride: stride, padding: padding)
    guard gradOutput.shape == g.outputShape else {
        throw EngineError.shape(op: "conv2d backward", "output gradient \(gradOutput.shape), expected \(g.outputShape)")
    }
    let dnnl = try DNNL.shared()
    var gradInput = Tensor(shape: inputShape)
    try gradInput.withUnsafeMutableBufferPointer { dx in
        try gradOutput.withUnsafeBufferPointer { dy in
            try weight.withUnsafeBufferPointer { w in
                try dnnl.convolutionBackwardData(g, diffDst: dy.baseAddress!, weights: w.baseAddress!,
                                                 diffSrc: dx.baseAddress!)
            }
        }
    }
    return gradInput
}

/// The gradients with respect to the weight (and the bias, when `withBias`), given the input and the output's
/// gradient.
public func conv2dBackwardWeights(_ gradOutput: Tensor, input: Tensor, weightShape: [Int], withBias: Bool,
                                  stride: Int, padding: Int) throws -> (weight: Tensor, bias: Tensor?) {
    let g = try Conv2DGeometry(input: input.shape, weight: weightShape, stride: stride, padding: padding)
    guard gradOutput.shape == g.outputShape else {
        throw EngineError.shape(op: "conv2d backward", "output gradient \(gradOutput.shape), expected \(g.outputShape)")
    }
    let dnnl = try DNNL.shared()
    var gradWeight = Tensor(shape: weightShape)
    var gradBias = withBias ? Tensor(shape: [g.outChannels]) : nil
    try gradWeight.withUnsafeMutableBufferPointer { dw in
        try gradOutput.withUnsafeBufferPointer { dy in
            try input.withUnsafeBufferPointer { x in
                if gradBias != nil {
                    try gradBias!.withUnsafeMutableBufferPointer { db in
                        try dnnl.convolutionBackwardWeights(g, src: x.baseAddress!, diffDst: dy.baseAddress!,
                                                            diffWeights: dw.baseAddress!, diffBias: db.baseAddress!)
                    }
                } else {
                    try dnnl.convolutionBackwardWeights(g, src: x.baseAddress!, diffDst: dy.baseAddress!,
                                                        diffWeights: dw.baseAddress!, diffBias: nil)
                }
            }
        }
    }
    return (gradWeight, gradBias)
}
