/// ReLU kernels (memory-bound: split across threads only for large tensors).
private let elementwiseGrain = Parallel.grain(itemSize: 1)

/// max(x, 0) elementwise (NaN passes through, as in PyTorch).
public func reluForward(_ input: Tensor) -> Tensor {
    var output = Tensor(shape: input.shape)
    output.withUnsafeMutableBufferPointer { y in
        input.withUnsafeBufferPointer { x in
            Parallel.forEach(x.count, grain: elementwiseGrain) { range in
                for i in range { y[i] = x[i] < 0 ? 0 : x[i] }
            }
        }
    }
    return output
}

/// The input gradient of ReLU from its output: gradOutput where output > 0, else 0.
public func reluBackward(_ gradOutput: Tensor, output: Tensor) throws -> Tensor {
    guard gradOutput.shape == output.shape else {
        throw EngineError.shape(op: "relu backward", "output gradient \(gradOutput.shape) for output \(output.shape)")
    }
    var gradInput = Tensor(shape: output.shape)
    gradInput.withUnsafeMutableBufferPointer { dx in
        gradOutput.withUnsafeBufferPointer { dy in
            output.withUnsafeBufferPointer { y in
                Parallel.forEach(y.count, grain: elementwiseGrain) { range in
                    for i in range { dx[i] = y[i] > 0 ? dy[i] : 0 }
                }
            }
        }
    }
    return gradInput
}

extension Tensor {
    /// `self * other` elementwise, for tensors of equal shape.
    public func multiplying(_ other: Tensor) throws -> Tensor {
        guard shape == other.shape else {
            throw EngineError.shape(op: "multiply", "\(shape) * \(other.shape)")
        }
        var out = self
        out.withUnsafeMutableBufferPointer { o in
            other.withUnsafeBufferPointer { b in
                Parallel.forEach(o.count, grain: elementwiseGrain) { range in
                    for i in range { o[i] *= b[i] }
                }
            }
        }
        return out
    }
}
