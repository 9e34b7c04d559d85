import Tensor

/// Batched matrix product as `torch.bmm`: a [B, M, K] x b [B, K, N] -> [B, M, N] (attention's q k^T and p v).
public func batchedMatmul(_ a: Variable, _ b: Variable) throws -> Variable {
    let left = a.value, right = b.value
    let output = try batchedMatmulForward(left, right)
    return Variable(value: output, parents: [a, b]) { g in
        // dA = dC B^T, dB = A^T dC.
        [a.requiresGrad ? try batchedMatmulForward(g, right, transposeB: true) : nil,
         b.requiresGrad ? try batchedMatmulForward(left, g, transposeA: true) : nil]
    }
}
