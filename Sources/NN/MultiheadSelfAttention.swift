import Autodiff
import Tensor
import SeededRandom

/// Multi-head self-attention as PyTorch's `nn.MultiheadAttention(d, heads, batch_first=True)` called as
/// `attn(x, x, x)`: one packed projection `in_proj_weight` [3d, d] / `in_proj_bias` [3d] to queries, keys and
/// values, softmax(q k^T / sqrt(d / heads)) v per head, and `out_proj` [d, d].
public final class MultiheadSelfAttention: Module {
    public let features: Int
    public let heads: Int
    public let inProjWeight: Variable
    public let inProjBias: Variable
    public let outProj: Linear
    public var isTraining = true
    /// When set, each forward keeps its attention weights [N, heads, S, S] in `lastAttention` (for rollout).
    public var recordsAttention = false
    public private(set) var lastAttention: Tensor?

    init(features: Int, heads: Int, rng: inout SeededGenerator?) {
        precondition(features > 0 && heads > 0 && features % heads == 0,
                     "MultiheadSelfAttention: \(features) features do not split into \(heads) heads")
        self.features = features
        self.heads = heads
        // PyTorch: Xavier uniform for the packed projection, zero biases; out_proj keeps nn.Linear's weight init.
        inProjWeight = Variable(xavierUniform([3 * features, features], &rng), requiresGrad: true)
        inProjBias = Variable(Tensor.zeros([3 * features]), requiresGrad: true)
        outProj = Linear(inFeatures: features, outFeatures: features, rng: &rng)
        outProj.bias!.value = Tensor.zeros([features])
    }

    public var localParameters: [(name: String, variable: Variable)] {
        [("in_proj_weight", inProjWeight), ("in_proj_bias", inProjBias)]
    }
    public var children: [(name: String, module: any Module)] { [("out_proj", outProj)] }

    /// Tokens [N, S, d] -> [N, S, d].
    public func callAsFunction(_ x: Variable) throws -> Variable {
        guard x.shape.count == 3, x.shape[2] == features, x.shape[0] > 0, x.shape[1] > 0 else {
            throw EngineError.shape(op: "MultiheadSelfAttention", "input \(x.shape), expected [N, S, \(features)]")
        }
        let (n, s, h, dh) = (x.shape[0], x.shape[1], heads, features / heads)
        let packed = try linear(try reshape(x, [n * s, features]), weight: inProjWeight, bias: inProjBias)
        // [N, S, 3, h, dh] -> [3, N, h, S, dh]: queries, keys and values with the heads as extra batch entries.
        let split = try reshape(try permute(try reshape(packed, [n, s, 3, h, dh]), [2, 0, 3, 1, 4]), [3, n * h, s, dh])
        func part(_ i: Int) throws -> Variable { try reshape(try narrow(split, axis: 0, start: i, length: 1), [n * h, s, dh]) }
        let q = try part(0), k = try part(1), v = try part(2)
        let scores = try batchedMatmul(q * (1 / Float(dh).squareRoot()), try permute(k, [0, 2, 1]))
        let attention = try softmax(scores)
        lastAttention = recordsAttention ? try attention.value.reshaped([n, h, s, s]) : nil
        let mixed = try permute(try reshape(try batchedMatmul(attention, v), [n, h, s, dh]), [0, 2, 1, 3])
        return try reshape(try outProj(try reshape(mixed, [n * s, features])), [n, s, features])
    }
}

/// Glorot & Bengio's uniform initialisation U(-a, a), a = sqrt(6 / (fan_in + fan_out)), for a [out, in] weight;
/// zeros without a generator (weights about to be loaded).
func xavierUniform(_ shape: [Int], _ rng: inout SeededGenerator?) -> Tensor {
    guard rng != nil else { return Tensor.zeros(shape) }
    let bound = Float((6 / Double(shape[0] + shape[1])).squareRoot())
    return Tensor.uniform(shape, low: -bound, high: bound, using: &rng!)
}

extension Linear {
    /// nn.Linear's default initialisation from an optional generator (zeros without one).
    convenience init(inFeatures: Int, outFeatures: Int, rng: inout SeededGenerator?) {
        var initialiser = rng.map(Initialiser.random) ?? .zeros
        self.init(inFeatures: inFeatures, outFeatures: outFeatures, initialiser: &initialiser)
        if rng != nil { rng = initialiser.generator }
    }
}
