/// Max pooling as PyTorch's `MaxPool2d` (no dilation, floor mode): padding counts as -infinity, padding at most
/// half the kernel, and among equal maxima the first in scan order wins (and gets the gradient).
public struct MaxPool2DGeometry: Sendable {
    public let batch, channels, height, width: Int
    public let kernel, stride, padding: Int
    public var outHeight: Int { (height + 2 * padding - kernel) / stride + 1 }
    public var outWidth: Int { (width + 2 * padding - kernel) / stride + 1 }
    public var outputShape: [Int] { [batch, channels, outHeight, outWidth] }

    public init(input: [Int], kernel: Int, stride: Int, padding: Int) throws {
        let shapes = "input \(input), kernel \(kernel), stride \(stride), padding \(padding)"
        guard input.count == 4 else { throw EngineError.shape(op: "maxPool2d", "\(shapes): input must be [N, C, H, W]") }
        guard input[0] > 0 else { throw EngineError.shape(op: "maxPool2d", "\(shapes): empty batch") }
        guard input.allSatisfy({ $0 > 0 }) else {
            throw EngineError.shape(op: "maxPool2d", "\(shapes): zero-sized dimension")
        }
        guard kernel >= 1, stride >= 1, padding >= 0, padding <= kernel / 2 else {
            throw EngineError.invalidArgument(
                op: "maxPool2d", "\(shapes): need kernel >= 1, stride >= 1, 0 <= padding <= kernel / 2")
        }
        guard kernel <= input[2] + 2 * padding, kernel <= input[3] + 2 * padding else {
            throw EngineError.shape(op: "maxPool2d", "\(shapes): kernel larger than the padded input")
        }
        (batch, channels, height, width) = (input[0], input[1], input[2], input[3])
        (self.kernel, self.stride, self.padding) = (kernel, stride, padding)
    }
}

/// Max pooling forward. Returns the output and, per output element, the flat index (h * W + w) of the chosen
/// input element within its plane, for the backward pass.
public func maxPool2dForward(_ input: Tensor, kernel: Int, stride: Int, padding: Int) throws
    -> (output: Tensor, argmax: [Int32])
{
    let g = try MaxPool2DGeometry(input: input.shape, kernel: kernel, stride: stride, padding: padding)
    let (ho, wo) = (g.outHeight, g.outWidth)
    var output = Tensor(shape: g.outputShape)
    var argmax = [Int32](repeating: 0, count: output.count)
    output.withUnsafeMutableBufferPointer { y in
        argmax.withUnsafeMutableBufferPointer { arg in
            input.withUnsafeBufferPointer { x in
                let grain = Parallel.grain(itemSize: g.height * g.width)
                Parallel.forEach(g.batch * g.channels, grain: grain) { planes in
                    for plane in planes {
                        let src = plane * g.height * g.width, dst = plane * ho * wo
                        for oh in 0..<ho {
                            let h0 = oh * stride - padding
                            let hs = max(h0, 0), he = min(h0 + kernel, g.height)
                            for ow in 0..<wo {
                                let w0 = ow * stride - padding
                                let ws = max(w0, 0), we = min(w0 + kernel, g.width)
                                var best = -Float.infinity, bestIndex = hs * g.width + ws
                                for h in hs..<he {
                                    let row = x.baseAddress! + src + h * g.width
                                    for w in ws..<we {
                                        // Branch-free (random data defeats prediction); `!(v <= best)` is
                                        // PyTorch's `v > best || isnan(v)`.
                                        let v = row[w], take = !(v <= best)
                                        best = take ? v : best
                                        bestIndex = take ? h * g.width + w : bestIndex
                                    }
                                }
                                y[dst + oh * wo + ow] = best
                                arg[dst + oh * wo + ow] = Int32(bestIndex)
                            }
                        }
                    }
                }
            }
        }
    }
    return (output, argmax)
}

/// Max pooling backward: each output gradient goes to the input element that was the maximum.
public func maxPool2dBackward(_ gradOutput: Tensor, argmax: [Int32], inputShape: [Int]) throws -> Tensor {
    guard inputShape.count == 4, gradOutput.rank == 4, gradOutput.shape[0] == inputShape[0],
          gradOutput.shape[1] == inputShape[1], argmax.count == gradOutput.count
    else {
        throw EngineError.shape(op: "maxPool2d backward",
                                "output gradient \(gradOutput.shape), input \(inputShape), \(argmax.count) indices")
    }
    let planeIn = inputShape[2] * inputShape[3], planeOut = gradOutput.shape[2] * gradOutput.shape[3]
    var gradInput = Tensor(shape: inputShape)
    gradInput.withUnsafeMutableBufferPointer { dx in
        gradOutput.withUnsafeBufferPointer { dy in
            argmax.withUnsafeBufferPointer { arg in
                let grain = Parallel.grain(itemSize: planeIn)
                Parallel.forEach(inputShape[0] * inputShape[1], grain: grain) { planes in
                    for plane in planes {
                        let src = plane * planeIn, dst = plane * planeOut
                        for i in 0..<planeOut { dx[src + Int(arg[dst + i])] += dy[dst + i] }
                    }
                }
            }
        }
    }
    return gradInput
}

/// Global average pooling: [N, C, H, W] -> [N, C], the mean of each plane.
public func globalAveragePoolForward(_ input: Tensor) throws -> Tensor {
    guard input.rank == 4, input.shape.allSatisfy({ $0 > 0 }) else {
        throw EngineError.shape(op: "globalAveragePool",
                                "input \(input.shape): must be [N, C, H, W] with N > 0 (an empty batch?)")
    }
    let planes = input.shape[0] * input.shape[1], size = input.shape[2] * input.shape[3]
    var output = Tensor(shape: [input.shape[0], input.shape[1]])
    output.withUnsafeMutableBufferPointer { y in
        input.withUnsafeBufferPointer { x in
            Parallel.forEach(planes, grain: Parallel.grain(itemSize: size)) { range in
                for p in range { y[p] = laneSum(x.baseAddress! + p * size, size) / Float(size) }
            }
        }
    }
    return output
}

/// Global average pooling backward: each plane receives its output gradient divided by H * W.
public func globalAveragePoolBackward(_ gradOutput: Tensor, inputShape: [Int]) throws -> Tensor {
    guard inputShape.count == 4, gradOutput.shape == [inputShape[0], inputShape[1]] else {
        throw EngineError.shape(op: "globalAveragePool backward",
                                "output gradient \(gradOutput.shape) for input \(inputShape)")
    }
    let planes = inputShape[0] * inputShape[1], size = inputShape[2] * inputShape[3]
    var gradInput = Tensor(shape: inputShape)
    gradInput.withUnsafeMutableBufferPointer { dx in
        gradOutput.withUnsafeBufferPointer { dy in
            Parallel.forEach(planes, grain: Parallel.grain(itemSize: size)) { range in
                for p in range {
                    let v = dy[p] / Float(size)
                    for i in (p * size)..<((p + 1) * size) { dx[i] = v }
                }
            }
        }
    }
    return gradInput
}
