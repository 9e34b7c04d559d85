/// Batched matrix product as `torch.bmm`: a [B, M, K] x b [B, K, N] -> [B, M, N], one oneDNN sgemm per batch
/// element. `transposeA` / `transposeB` read an operand transposed in its last two axes (a stored as [B, K, M],
/// b as [B, N, K]), which is what the backward pass needs without copying.
public func batchedMatmulForward(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) throws
    -> Tensor
{
    let op = "batchedMatmul"
    guard a.rank == 3, b.rank == 3 else {
        throw EngineError.shape(op: op, "\(a.shape) x \(b.shape): both operands must be [B, rows, columns]")
    }
    let batch = a.shape[0]
    let (m, k) = transposeA ? (a.shape[2], a.shape[1]) : (a.shape[1], a.shape[2])
    let (kb, n) = transposeB ? (b.shape[2], b.shape[1]) : (b.shape[1], b.shape[2])
    guard b.shape[0] == batch, batch > 0 else {
        throw EngineError.shape(op: op, "\(a.shape) x \(b.shape): batch sizes differ or are empty")
    }
    guard k == kb, m > 0, n > 0, k > 0 else {
        throw EngineError.shape(op: op, "\(a.shape) x \(b.shape): inner dimensions \(k) and \(kb) differ (or are empty)")
    }
    var output = Tensor(shape: [batch, m, n])
    try output.withUnsafeMutableBufferPointer { c in
        try a.withUnsafeBufferPointer { a in
            try b.withUnsafeBufferPointer { b in
                for i in 0..<batch {
                    try DNNL.sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1,
                                   a: a.baseAddress! + i * m * k, lda: transposeA ? m : k,
                                   b: b.baseAddress! + i * k * n, ldb: transposeB ? k : n,
                                   beta: 0, c: c.baseAddress! + i * m * n, ldc: n)
                }
            }
        }
    }
    return output
}
