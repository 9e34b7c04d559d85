import Autodiff
import Tensor

/// Attention rollout (Abnar & Zuidema 2020): how much each token's final representation draws on each input token,
/// following attention through the layers. Each layer's weights [N, heads, S, S] are averaged over the heads, the
/// identity is added (the residual connection) and the rows renormalised to sum to 1; the layers' matrices are
/// multiplied, last layer on the left. Returns [N, S, S] (row i: the share of token i's final value from each
/// input token).
public func attentionRollout(_ layers: [Tensor]) throws -> Tensor {
    guard let first = layers.first else { throw EngineError.shape(op: "attentionRollout", "no layers") }
    guard first.rank == 4, first.shape[2] == first.shape[3], first.shape[0] > 0, first.shape[1] > 0,
          layers.allSatisfy({ $0.shape == first.shape }) else {
        throw EngineError.shape(op: "attentionRollout", "layers \(layers.map(\.shape)): each must be [N, heads, S, S], all alike")
    }
    let (n, heads, s) = (first.shape[0], first.shape[1], first.shape[2])
    var rollout = [Double](repeating: 0, count: n * s * s)
    for i in 0..<n { for t in 0..<s { rollout[(i * s + t) * s + t] = 1 } }
    var mixed = [Double](repeating: 0, count: s * s), next = [Double](repeating: 0, count: s * s)
    for layer in layers {
        layer.withUnsafeBufferPointer { a in
            for i in 0..<n {
                // Â = normalise_rows(mean over heads of A + I).
                for e in 0..<(s * s) {
                    var total = 0.0
                    for h in 0..<heads { total += Double(a[((i * heads + h) * s * s) + e]) }
                    mixed[e] = total / Double(heads)
                }
                for r in 0..<s {
                    mixed[r * s + r] += 1
                    let rowSum = (0..<s).reduce(0.0) { $0 + mixed[r * s + $1] }
                    for c in 0..<s { mixed[r * s + c] /= rowSum }
                }
                // R <- Â R.
                let base = i * s * s
                for r in 0..<s {
                    for c in 0..<s {
                        var total = 0.0
                        for m in 0..<s { total += mixed[r * s + m] * rollout[base + m * s + c] }
                        next[r * s + c] = total
                    }
                }
                for e in 0..<(s * s) { rollout[base + e] = next[e] }
            }
        }
    }
    return Tensor(shape: [n, s, s], scalars: rollout.map(Float.init))
}

extension VisionTransformer {
    /// The class token's rolled-out attention over the patches, [N, grid, grid] (row-major over the patch grid as
    /// the patch convolution lays it out), each map summing to at most 1 (the rest stays on the class token).
    public func attentionRolloutMaps(_ x: Variable) throws -> Tensor {
        let rollout = try attentionRollout(try attentionMaps(x))
        let (n, s, g) = (rollout.shape[0], rollout.shape[1], configuration.gridSize)
        var maps = Tensor(shape: [n, g, g])
        maps.withUnsafeMutableBufferPointer { m in
            rollout.withUnsafeBufferPointer { r in
                let patches = g * g, square = s * s
                for i in 0..<n {
                    for p in 0..<patches { m[i * patches + p] = r[i * square + 1 + p] }
                }
            }
        }
        return maps
    }
}
