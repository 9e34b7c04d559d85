import Foundation
import Tensor

/// `torch.softmax(x, dim=-1)`: softmax over the last axis of a tensor of any rank (attention weights).
public func softmax(_ x: Variable) throws -> Variable {
    let shape = x.shape
    guard let k = shape.last, k > 0 else {
        throw EngineError.shape(op: "softmax", "input \(shape): needs a non-empty last axis")
    }
    var output = x.value
    let rows = output.count / k
    output.withUnsafeMutableBufferPointer { p in
        for r in 0..<rows {
            let row = p.baseAddress! + r * k
            var top = -Float.infinity
            for j in 0..<k { top = max(top, row[j]) }
            var total: Float = 0
            for j in 0..<k { row[j] = expf(row[j] - top); total += row[j] }
            let inverse = 1 / total
            for j in 0..<k { row[j] *= inverse }
        }
    }
    return Variable(value: output, parents: [x]) { g in
        // dx = y * (g - sum_j g_j y_j), row by row.
        var grad = g
        grad.withUnsafeMutableBufferPointer { d in
            output.withUnsafeBufferPointer { y in
                for r in 0..<rows {
                    let base = r * k
                    var dot: Float = 0
                    for j in 0..<k { dot += d[base + j] * y[base + j] }
                    for j in 0..<k { d[base + j] = y[base + j] * (d[base + j] - dot) }
                }
            }
        }
        return [grad]
    }
}
