import Tensor

/// `torch.cat` along `axis`: every input has the same shape except along that axis.
public func concatenate(_ xs: [Variable], axis: Int) throws -> Variable {
    guard let first = xs.first else { throw EngineError.shape(op: "concatenate", "no inputs") }
    let shapes = xs.map(\.shape)
    let rank = first.shape.count
    guard axis >= 0, axis < rank,
          shapes.allSatisfy({ s in s.count == rank && (0..<rank).allSatisfy { a in a == axis || s[a] == first.shape[a] } })
    else {
        throw EngineError.shape(op: "concatenate", "inputs \(shapes) do not agree off axis \(axis)")
    }
    let outer = first.shape[..<axis].reduce(1, *), inner = first.shape[(axis + 1)...].reduce(1, *)
    let lengths = shapes.map { $0[axis] }, total = lengths.reduce(0, +)
    var shape = first.shape
    shape[axis] = total
    var output = Tensor(shape: shape)
    var start = 0
    for (x, length) in zip(xs, lengths) {
        copyBlocks(from: x.value, sourceRow: length * inner, sourceStart: 0, into: &output, targetRow: total * inner,
                   targetStart: start * inner, width: length * inner, rows: outer)
        start += length
    }
    return Variable(value: output, parents: xs) { g in
        var offset = 0
        return zip(shapes, lengths).map { s, length in
            var part = Tensor(shape: s)
            copyBlocks(from: g, sourceRow: total * inner, sourceStart: offset * inner, into: &part,
                       targetRow: length * inner, targetStart: 0, width: length * inner, rows: outer)
            offset += length
            return part
        }
    }
}

/// `torch.narrow`: `length` entries of `axis` from `start` (the class token is `narrow(h, axis: 1, start: 0, length: 1)`).
public func narrow(_ x: Variable, axis: Int, start: Int, length: Int) throws -> Variable {
    let shape = x.shape
    guard axis >= 0, axis < shape.count, start >= 0, length >= 0, start + length <= shape[axis] else {
        throw EngineError.shape(op: "narrow", "entries \(start)..<\(start + length) of axis \(axis) of \(shape)")
    }
    let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
    var outShape = shape
    outShape[axis] = length
    var output = Tensor(shape: outShape)
    copyBlocks(from: x.value, sourceRow: shape[axis] * inner, sourceStart: start * inner, into: &output,
               targetRow: length * inner, targetStart: 0, width: length * inner, rows: outer)
    return Variable(value: output, parents: [x]) { g in
        var grad = Tensor(shape: shape)
        copyBlocks(from: g, sourceRow: length * inner, sourceStart: 0, into: &grad, targetRow: shape[axis] * inner,
                   targetStart: start * inner, width: length * inner, rows: outer)
        return [grad]
    }
}

/// Copies `rows` runs of `width` values from rows of `sourceRow` values (from `sourceStart` in each) into rows of
/// `targetRow` values (at `targetStart`).
private func copyBlocks(from source: Tensor, sourceRow: Int, sourceStart: Int, into target: inout Tensor,
                        targetRow: Int, targetStart: Int, width: Int, rows: Int) {
    guard width > 0 else { return }
    target.withUnsafeMutableBufferPointer { t in
        source.withUnsafeBufferPointer { s in
            for r in 0..<rows {
                (t.baseAddress! + r * targetRow + targetStart)
                    .update(from: s.baseAddress! + r * sourceRow + sourceStart, count: width)
            }
        }
    }
}
