/// Fully connected layer as PyTorch's `nn.Linear`: y[N, out] = x[N, in] * weight[out, in]^T + bias[out],
/// on oneDNN's sgemm.
public func linearForward(_ input: Tensor, weight: Tensor, bias: Tensor?) throws -> Tensor {
    let (n, inFeatures, outFeatures) = try linearShapes(input.shape, weight.shape, bias?.shape)
    var output = Tensor(shape: [n, outFeatures])
    try gemm(input, weight, transposingB: true, into: &output, m: n, n: outFeatures, k: inFeatures)
    if let bias {
        output.withUnsafeMutableBufferPointer { y in
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
    try gemm(gradOutput, weight, into: &gradInput, m: n, n: inFeatures, k: outFeatures)                    // dx = dy * W
    try gemm(gradOutput, input, transposingA: true, into: &gradWeight, m: outFeatures, n: inFeatures, k: n)  // dW = dy^T * x
    guard withBias else { return (gradInput, gradWeight, nil) }
    var gradBias = Tensor(shape: [outFeatures])
    gradBias.withUnsafeMutableBufferPointer { db in
        gradOutput.withUnsafeBufferPointer { dy in
            for row in 0..<n {
                let base = row * outFeatures
                for j in 0..<outFeatures { db[j] += dy[base + j] }
            }
        }
    }
    return (gradInput, gradWeight, gradBias)
}

/// c[m, n] = op(a) * op(b) for row-major tensors on oneDNN's sgemm, where op(a) is [m, k] and op(b) is [k, n]
/// (a transposed operand is stored the other way round).
private func gemm(_ a: Tensor, _ b: Tensor, transposingA: Bool = false, transposingB: Bool = false, into c: inout Tensor,
                  m: Int, n: Int, k: Int) throws {
    try c.withUnsafeMutableBufferPointer { cp in
        try a.withUnsafeBufferPointer { ap in
            try b.withUnsafeBufferPointer { bp in
                try DNNL.sgemm(transposeA: transposingA, transposeB: transposingB, m: m, n: n, k: k, alpha: 1,
                               a: ap.baseAddress!, lda: transposingA ? m : k, b: bp.baseAddress!, ldb: transposingB ? k : n,
                               beta: 0, c: cp.baseAddress!, ldc: n)
            }
        }
    }
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
