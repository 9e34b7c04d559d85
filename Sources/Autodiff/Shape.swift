import Tensor

/// The same values under another shape with the same element count (`torch.reshape` on a contiguous tensor).
public func reshape(_ x: Variable, _ shape: [Int]) throws -> Variable {
    let original = x.shape
    let output = try x.value.reshaped(shape)
    return Variable(value: output, parents: [x]) { g in [try g.reshaped(original)] }
}

/// Axes reordered as `torch.permute`: output axis i is input axis `axes[i]` (materialised, row-major).
public func permute(_ x: Variable, _ axes: [Int]) throws -> Variable {
    let shape = x.shape
    guard axes.count == shape.count, axes.sorted() == Array(0..<shape.count) else {
        throw EngineError.shape(op: "permute", "axes \(axes) are not a permutation of the axes of \(shape)")
    }
    let inputStrides = contiguousStrides(shape)
    let output = gather(x.value, shape: axes.map { shape[$0] }, strides: axes.map { inputStrides[$0] })
    var inverse = [Int](repeating: 0, count: axes.count)
    for (i, a) in axes.enumerated() { inverse[a] = i }
    return Variable(value: output, parents: [x]) { g in
        let gStrides = contiguousStrides(g.shape)
        return [gather(g, shape: shape, strides: inverse.map { gStrides[$0] })]
    }
}

/// `torch.Tensor.expand`: repeats axes of size 1 (and new leading axes) to `shape`, materialised. The gradient sums
/// over the repeated axes (a learned position embedding [1, S, D] added to every image of a batch).
public func expand(_ x: Variable, to shape: [Int]) throws -> Variable {
    let original = x.shape
    let lead = shape.count - original.count
    guard lead >= 0 else {
        throw EngineError.shape(op: "expand", "cannot expand \(original) to fewer axes \(shape)")
    }
    let padded = [Int](repeating: 1, count: lead) + original
    guard zip(padded, shape).allSatisfy({ $0 == $1 || $0 == 1 }), shape.allSatisfy({ $0 >= 0 }) else {
        throw EngineError.shape(op: "expand", "cannot expand \(original) to \(shape): sizes must match or be 1")
    }
    let paddedStrides = contiguousStrides(padded)
    let strides = (0..<shape.count).map { padded[$0] == shape[$0] ? paddedStrides[$0] : 0 }
    let output = gather(x.value, shape: shape, strides: strides)
    return Variable(value: output, parents: [x]) { g in
        [try scatterAdd(g, sourceShape: padded, strides: strides).reshaped(original)]
    }
}
