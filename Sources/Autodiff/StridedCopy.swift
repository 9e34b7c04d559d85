import Tensor

/// Walks a row-major `shape` and, for each element, the offset of the element it maps to in another buffer whose
/// per-axis strides are `strides` (0 on a broadcast axis): `body(outputIndex, sourceOffset)` over the innermost
/// axis as runs, so the odometer costs one step per row rather than per element.
func forEachStrided(shape: [Int], strides: [Int], _ body: (_ output: Int, _ source: Int, _ count: Int, _ step: Int) -> Void) {
    let count = shape.reduce(1, *)
    guard count > 0 else { return }
    guard let inner = shape.last else { body(0, 0, 1, 0); return }
    let rank = shape.count
    var index = [Int](repeating: 0, count: rank)
    var source = 0, output = 0
    while output < count {
        body(output, source, inner, strides[rank - 1])
        output += inner
        var axis = rank - 2
        while axis >= 0 {
            index[axis] += 1
            source += strides[axis]
            if index[axis] < shape[axis] { break }
            source -= strides[axis] * shape[axis]
            index[axis] = 0
            axis -= 1
        }
        if axis < 0 { break }
    }
}

/// Row-major strides of `shape`.
func contiguousStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var step = 1
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[axis] = step
        step *= shape[axis]
    }
    return strides
}

/// out[i] = source[offset(i)] for the mapping `forEachStrided` describes.
func gather(_ source: Tensor, shape: [Int], strides: [Int]) -> Tensor {
    var out = Tensor(shape: shape)
    out.withUnsafeMutableBufferPointer { o in
        source.withUnsafeBufferPointer { s in
            forEachStrided(shape: shape, strides: strides) { output, offset, count, step in
                for j in 0..<count { o[output + j] = s[offset + j * step] }
            }
        }
    }
    return out
}

/// The adjoint of `gather`: result[offset(i)] += values[i], into a tensor of `sourceShape`.
func scatterAdd(_ values: Tensor, sourceShape: [Int], strides: [Int]) -> Tensor {
    var out = Tensor(shape: sourceShape)
    out.withUnsafeMutableBufferPointer { o in
        values.withUnsafeBufferPointer { v in
            forEachStrided(shape: values.shape, strides: strides) { output, offset, count, step in
                for j in 0..<count { o[offset + j * step] += v[output + j] }
            }
        }
    }
    return out
}
