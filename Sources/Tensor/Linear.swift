/// Fully connected layer as PyTorch's `nn.Linear`: y[N, out] = x[N, in] * weight[out, in]^T + bias[out],
/// on oneDNN's sgemm.
public func linearForward(_ input: Tensor, weight: Tensor, bias: Tensor?) throws -> Tensor {
    let (n, inFeatures, outFeatures) = try linearShapes(input.shape, weight.shape, bias?.shape)
    var output = Tensor(shape: [n, outFeatures])
    try output.withUnsafeMutableBufferPointer { y in
        try input.withUnsafeBufferPointer { x in
            try weight.withUnsafeBufferPointer { w in
                try DNNL.sgemm(transposeA: false, transposeB: true, m: n, n: outFeatures, k: inFeatures, alpha: 1,
                               a: x.baseAddress!, lda: inFeatures, b: w.baseAddress!, ldb: inFeatures,
                               beta: 0, c: y.baseAddress!, ldc: outFeatures)
            }
        }
        if let bias {
            bias.withUnsafeBufferPointer { b in
                for row in 0..<n {
                    let base = row * outFeatures
                    for j in 0..<outFeatures { y[base + j] += b[j] }
                }
            }
        }
    }
    return output
}

/// Gradients of `linearForward` with respect to the input ([N, in]), the weight ([out, in]) and, when
/// `withBias`, the bias ([out]).
public func linearBackward(_ gradOutput: Tensor, input: Tensor, weight: Tensor, withBias: Bool) throws
    -> (input: Tensor, weight: Tensor, bias: Tensor?)
{
    let (n, inFeatures, outFeatures) = try linearShapes(input.shape, weight.shape, nil)
    guard gradOutput.shape == [n, outFeatures] else {
        throw EngineError.shape(op: "linear backward", "output gradient \(gradOutput.shape), expected [\(n), \(outFeatures)]")
    }
    var gradInput = Tensor(shape: input.shape), gradWeight = Tensor(shape: weight.shape)
    var gradBias: Tensor? = nil
    try gradOutput.withUnsafeBufferPointer { dy in
        // dx = dy * W
        try gradInput.withUnsafeMutableBufferPointer { dx in
            try weight.withUnsafeBufferPointer { w in
                try DNNL.sgemm(transposeA: false, transposeB: false, m: n, n: inFeatures, k: outFeatures, alpha: 1,
                               a: dy.baseAddress!, lda: outFeatures, b: w.baseAddress!, ldb: inFeatures,
                               beta: 0, c: dx.baseAddress!, ldc: inFeatures)
            }
        }
        // dW = dy^T * x
        try gradWeight.withUnsafeMutableBufferPointer { dw in
            try input.withUnsafeBufferPointer { x in
                try DNNL.sgemm(transposeA: true, transposeB: false, m: outFeatures, n: inFeatures, k: n, alpha: 1,
                               a: dy.baseAddress!, lda: outFeatures, b: x.baseAddress!, ldb: inFeatures,
                               beta: 0, c: dw.baseAddress!, ldc: inFeatures)
            }
        }
        if withBias {
            var db = Tensor(shape: [outFeatures])
            db.withUnsafeMutableBufferPointer { db in
                for row in 0..<n {
                    let base = row * outFeatures
                    for j in 0..<outFeatures { db[j] += dy[base + j] }
                }
            }
            gradBias = db
        }
    }
    return (gradInput, gradWeight, gradBias)
}

private func linearShapes(_ input: [Int], _ weight: [Int], _ bias: [Int]?) throws -> (Int, Int, Int) {
    let shapes = "input \(input), weight \(weight)" + (bias.map { ", bias \($0)" } ?? "")
    guard input.count == 2, weight.count == 2 else {
        throw EngineError.shape(op: "linear", "\(shapes): input must be [N, in] and weight [out, in]")
    }
    guard input[0] > 0 else { throw EngineError.shape(op: "linear", "\(shapes): empty batch") }
    guard input[1] == weight[1], input[1] > 0, weight[0] > 0 else {
        throw EngineError.shape(op: "linear", "\(shapes): input has \(input[1]) features, weight expects \(weight[1])")
    }
    if let bias, bias != [weight[0]] {
        throw EngineError.shape(op: "linear", "\(shapes): bias must be [\(weight[0])]")
    }
    return (input[0], input[1], weight[0])
}
