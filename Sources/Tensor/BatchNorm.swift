/// Batch normalisation kernels (PyTorch's `BatchNorm1d/2d`): per channel c of x [N, C, H, W] or [N, C],
/// y = weight[c] * (x - mean[c]) / sqrt(variance[c] + epsilon) + bias[c].
/// Training mode uses the batch's mean and biased variance; evaluation mode uses given (running) statistics.
public struct BatchNormGeometry: Sendable {
    public let batch, channels: Int
    /// H * W (1 for [N, C] input).
    public let planeSize: Int
    /// Values per channel in a batch: N * H * W.
    public var countPerChannel: Int { batch * planeSize }

    public init(input: [Int], parameters: [[Int]], op: String = "batchNorm") throws {
        let shapes = "input \(input), parameters \(parameters.map { "\($0)" }.joined(separator: ", "))"
        guard input.count == 2 || input.count == 4 else {
            throw EngineError.shape(op: op, "\(shapes): input must be [N, C, H, W] or [N, C]")
        }
        guard input[0] > 0 else { throw EngineError.shape(op: op, "\(shapes): empty batch") }
        guard input.allSatisfy({ $0 > 0 }) else { throw EngineError.shape(op: op, "\(shapes): zero-sized dimension") }
        for p in parameters where p != [input[1]] {
            throw EngineError.shape(op: op, "\(shapes): input has \(input[1]) channels, parameter has shape \(p)")
        }
        batch = input[0]
        channels = input[1]
        planeSize = input.count == 4 ? input[2] * input[3] : 1
    }
}

/// Training-mode forward: normalises with the batch statistics. Returns the output and the batch's per-channel
/// mean and biased variance (the backward pass and the running averages need them).
public func batchNormTrainingForward(_ input: Tensor, weight: Tensor, bias: Tensor, epsilon: Float) throws
    -> (output: Tensor, mean: Tensor, variance: Tensor)
{
    let g = try BatchNormGeometry(input: input.shape, parameters: [weight.shape, bias.shape])
    guard g.countPerChannel > 1 else {
        throw EngineError.shape(op: "batchNorm", "input \(input.shape): training needs more than 1 value per channel")
    }
    var mean = Tensor(shape: [g.channels]), variance = Tensor(shape: [g.channels])
    input.withUnsafeBufferPointer { x in
        mean.withUnsafeMutableBufferPointer { m in
            variance.withUnsafeMutableBufferPointer { v in
                Parallel.forEach(g.channels, grain: Parallel.grain(itemSize: g.countPerChannel)) { channels in
                    for c in channels {
                        var sum = 0.0
                        for n in 0..<g.batch {
                            sum += Double(laneSum(x.baseAddress! + (n * g.channels + c) * g.planeSize, g.planeSize))
                        }
                        let mu = Float(sum / Double(g.countPerChannel))
                        var squares = 0.0
                        for n in 0..<g.batch {
                            squares += Double(laneSumOfSquares(x.baseAddress! + (n * g.channels + c) * g.planeSize,
                                                               g.planeSize, center: mu))
                        }
                        m[c] = mu
                        v[c] = Float(squares / Double(g.countPerChannel))
                    }
                }
            }
        }
    }
    let output = try batchNormInferenceForward(input, weight: weight, bias: bias, mean: mean, variance: variance,
                                               epsilon: epsilon)
    return (output, mean, variance)
}

/// Forward with given statistics (evaluation mode): y = x * scale[c] + shift[c].
public func batchNormInferenceForward(_ input: Tensor, weight: Tensor, bias: Tensor, mean: Tensor, variance: Tensor,
                                      epsilon: Float) throws -> Tensor {
    let g = try BatchNormGeometry(input: input.shape, parameters: [weight.shape, bias.shape, mean.shape, variance.shape])
    var scale = [Float](repeating: 0, count: g.channels), shift = scale
    for c in 0..<g.channels {
        scale[c] = weight.scalars[c] / (variance.scalars[c] + epsilon).squareRoot()
        shift[c] = bias.scalars[c] - mean.scalars[c] * scale[c]
    }
    var output = Tensor(shape: input.shape)
    output.withUnsafeMutableBufferPointer { y in
        input.withUnsafeBufferPointer { x in
            Parallel.forEach(g.batch * g.channels, grain: Parallel.grain(itemSize: g.planeSize)) { planes in
                for plane in planes {
                    let a = scale[plane % g.channels], b = shift[plane % g.channels]
                    let base = plane * g.planeSize
                    for i in base..<(base + g.planeSize) { y[i] = x[i] * a + b }
                }
            }
        }
    }
    return output
}

/// Gradients of batch norm with respect to the input, weight and bias. `mean` and `variance` are the statistics
/// the forward pass normalised with: the batch's (training, where they depend on the input) or the running ones.
public func batchNormBackward(_ gradOutput: Tensor, input: Tensor, weight: Tensor, mean: Tensor, variance: Tensor,
                              epsilon: Float, training: Bool) throws -> (input: Tensor, weight: Tensor, bias: Tensor) {
    let g = try BatchNormGeometry(input: input.shape, parameters: [weight.shape, mean.shape, variance.shape],
                                  op: "batchNorm backward")
    guard gradOutput.shape == input.shape else {
        throw EngineError.shape(op: "batchNorm backward", "output gradient \(gradOutput.shape) for input \(input.shape)")
    }
    var gradInput = Tensor(shape: input.shape)
    var gradWeight = Tensor(shape: [g.channels]), gradBias = Tensor(shape: [g.channels])
    let count = Float(g.countPerChannel)
    gradOutput.withUnsafeBufferPointer { dy in
        input.withUnsafeBufferPointer { x in
            gradInput.withUnsafeMutableBufferPointer { dx in
                gradWeight.withUnsafeMutableBufferPointer { dw in
                    gradBias.withUnsafeMutableBufferPointer { db in
                        let grain = Parallel.grain(itemSize: g.countPerChannel)
                        Parallel.forEach(g.channels, grain: grain) { channels in
                            for c in channels {
                                let mu = mean.scalars[c]
                                let invStd = 1 / (variance.scalars[c] + epsilon).squareRoot()
                                var sumDy = 0.0, sumDyCentered = 0.0
                                for n in 0..<g.batch {
                                    let base = (n * g.channels + c) * g.planeSize
                                    sumDy += Double(laneSum(dy.baseAddress! + base, g.planeSize))
                                    sumDyCentered += Double(laneDot(dy.baseAddress! + base, x.baseAddress! + base,
                                                                    g.planeSize, center: mu))
                                }
                                db[c] = Float(sumDy)
                                dw[c] = Float(sumDyCentered) * invStd
                                // dx = s*dy + k*(x - mu) + d, written as s*dy + k*x + (d - k*mu).
                                let s = weight.scalars[c] * invStd
                                var k: Float = 0, d: Float = 0
                                if training {
                                    k = -s * invStd * invStd * Float(sumDyCentered) / count
                                    d = -s * Float(sumDy) / count
                                }
                                let offset = d - k * mu
                                for n in 0..<g.batch {
                                    let base = (n * g.channels + c) * g.planeSize
                                    for i in base..<(base + g.planeSize) { dx[i] = s * dy[i] + k * x[i] + offset }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    return (gradInput, gradWeight, gradBias)
}

// MARK: Folding into a convolution

/// Evaluation-mode batch norm folded into the convolution before it (weight [O, C, kH, kW], bias [O] or nil): per
/// output channel o, w'[o] = w[o] s[o] and b'[o] = beta[o] + (b[o] - mean[o]) s[o] with s = gamma / sqrt(var + eps),
/// so that conv(x, w', b') is batchNorm(conv(x, w, b)) with the given statistics. The bias is folded at once (one
/// value per channel); the weights by `weight(_:)`, a pass over all of them, only when needed.
public struct BatchNormFold: Sendable {
    /// s, per output channel.
    public let scales: [Float]
    /// b'.
    public let bias: Tensor

    /// For a convolution whose weight has `outChannels` filters.
    public init(outChannels: Int, bias: Tensor?, normWeight: Tensor, normBias: Tensor, mean: Tensor, variance: Tensor,
                epsilon: Float) throws {
        guard normWeight.shape == [outChannels], normBias.shape == [outChannels], mean.shape == [outChannels],
              variance.shape == [outChannels] else {
            throw EngineError.shape(op: "conv2d+batchNorm", "\(outChannels) filters with batch norm over \(normWeight.shape)")
        }
        let gamma = normWeight.scalars, beta = normBias.scalars
        let mean = mean.scalars, variance = variance.scalars, convBias = bias?.scalars
        let scales = (0..<outChannels).map { gamma[$0] / (variance[$0] + epsilon).squareRoot() }
        self.scales = scales
        self.bias = Tensor(shape: [outChannels],
                           scalars: (0..<outChannels).map { beta[$0] + ((convBias?[$0] ?? 0) - mean[$0]) * scales[$0] })
    }

    /// w', from the convolution's weight.
    public func weight(_ weight: Tensor) -> Tensor {
        precondition(weight.shape.first == scales.count, "BatchNormFold: weight \(weight.shape) for \(scales.count) filters")
        var folded = weight
        let perFilter = folded.count / scales.count
        folded.withUnsafeMutableBufferPointer { fw in
            for o in scales.indices {
                for i in (o * perFilter)..<((o + 1) * perFilter) { fw[i] *= scales[o] }
            }
        }
        return folded
    }
}
