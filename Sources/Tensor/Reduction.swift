// Float reductions over raw buffers. A plain `s += p[i]` loop does not vectorise (Swift keeps the strict order of
// floating-point additions), so these keep 16 partial sums in a SIMD register instead.

@inline(__always)
private func load16(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD16<Float> {
    UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<Float>.self)
}

/// Σ p[i] for i in 0..<count.
func laneSum(_ p: UnsafePointer<Float>, _ count: Int) -> Float {
    var acc = SIMD16<Float>()
    var i = 0
    while i + 16 <= count { acc += load16(p, i); i += 16 }
    var total = acc.sum()
    while i < count { total += p[i]; i += 1 }
    return total
}

/// Σ (p[i] - center)² for i in 0..<count.
func laneSumOfSquares(_ p: UnsafePointer<Float>, _ count: Int, center: Float) -> Float {
    var acc = SIMD16<Float>()
    let c = SIMD16<Float>(repeating: center)
    var i = 0
    while i + 16 <= count { let d = load16(p, i) - c; acc += d * d; i += 16 }
    var total = acc.sum()
    while i < count { let d = p[i] - center; total += d * d; i += 1 }
    return total
}

/// Σ a[i] * (b[i] - center) for i in 0..<count.
func laneDot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int, center: Float = 0) -> Float {
    var acc = SIMD16<Float>()
    let c = SIMD16<Float>(repeating: center)
    var i = 0
    while i + 16 <= count { acc += load16(a, i) * (load16(b, i) - c); i += 16 }
    var total = acc.sum()
    while i < count { total += a[i] * (b[i] - center); i += 1 }
    return total
}

extension Tensor {
    /// Σ x² over every element, on the engine's threads: each thread sums its part 4096 elements at a time in float
    /// lanes (`laneSumOfSquares`), each block's sum added in double (a serial double sum of ResNet-18's 11M
    /// gradients took ~15 ms per step).
    public var sumOfSquares: Double {
        let n = count, block = 4096
        let parts = min(Parallel.threadCount, max(1, n / (16 * block)))
        var partial = [Double](repeating: 0, count: parts)
        withUnsafeBufferPointer { x in
            partial.withUnsafeMutableBufferPointer { sums in
                Parallel.forEach(parts) { range in
                    for part in range {
                        let end = n * (part + 1) / parts
                        sums[part] = stride(from: n * part / parts, to: end, by: block).reduce(0.0) { total, start in
                            total + Double(laneSumOfSquares(x.baseAddress! + start, min(block, end - start), center: 0))
                        }
                    }
                }
            }
        }
        return partial.reduce(0, +)
    }
}
