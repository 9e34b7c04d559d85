/// Elementwise kernels over plain buffers (they vectorise; see engine notes).
extension Tensor {
    /// `self + other`, for tensors of equal shape.
    public func adding(_ other: Tensor) throws -> Tensor {
        guard shape == other.shape else {
            throw EngineError.shape(op: "add", "\(shape) + \(other.shape)")
        }
        var out = self
        out.add(other)
        return out
    }

    /// Adds `other` into `self` in place (gradient accumulation).
    public mutating func add(_ other: Tensor) {
        precondition(shape == other.shape, "accumulate: \(shape) += \(other.shape)")
        withUnsafeMutableBufferPointer { o in
            other.withUnsafeBufferPointer { b in
                for i in 0..<o.count { o[i] += b[i] }
            }
        }
    }

    /// `self * factor`.
    public func scaled(by factor: Float) -> Tensor {
        var out = self
        out.withUnsafeMutableBufferPointer { o in
            for i in 0..<o.count { o[i] *= factor }
        }
        return out
    }
}
