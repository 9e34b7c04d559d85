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

extension Tensor {
    /// Σ x² over every element, on the engine's threads: each thread sums its part in 16 float lanes, moved into a
    /// double every 4096 elements (a serial double sum of ResNet-18's 11M gradients took ~15 ms per step).
    public var sumOfSquares: Double {
        let n = count, block = 4096
        let parts = min(Parallel.threadCount, max(1, n / (16 * block)))
        var partial = [Double](repeating: 0, count: parts)
        withUnsafeBufferPointer { x in
            partial.withUnsafeMutableBufferPointer { out in
                let (source, sums) = (UnsafeSendable(x), UnsafeSendable(out))
                Parallel.forEach(parts) { range in
                    for part in range {
                        let (lo, hi) = (n * part / parts, n * (part + 1) / parts)
                        var total = 0.0
                        var start = lo
                        while start < hi {
                            let end = min(start + block, hi)
                            var lanes = SIMD16<Float>()
                            var i = start
                            let raw = UnsafeRawPointer(source.value.baseAddress!)
                            while i + 16 <= end {
                                let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
                                lanes += v * v
                                i += 16
                            }
                            var tail: Float = 0
                            while i < end { tail += source.value[i] * source.value[i]; i += 1 }
                            total += Double(lanes.sum()) + Double(tail)
                            start = end
                        }
                        sums.value[part] = total
                    }
                }
            }
        }
        return partial.reduce(0, +)
    }
}

/// A buffer the engine's threads read or fill, each its own part.
private struct UnsafeSendable<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}
