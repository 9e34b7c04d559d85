import Autodiff
import Tensor
import SeededRandom

/// torchvision's `MLPBlock`: Linear(d, mlp) -> GELU -> Linear(mlp, d). Its dropouts (probability 0 in
/// vit_b_16) hold the positions 2 and 4, so the linear layers are named `0` and `3` as in torchvision.
public final class MLPBlock: Module {
    public let fc1: Linear
    public let fc2: Linear
    public var isTraining = true

    init(features: Int, hidden: Int, rng: inout SeededGenerator?) {
        // torchvision: Xavier uniform weights, biases N(0, 1e-6).
        fc1 = Linear(inFeatures: features, outFeatures: hidden, rng: &rng)
        fc2 = Linear(inFeatures: hidden, outFeatures: features, rng: &rng)
        for layer in [fc1, fc2] {
            layer.weight.value = xavierUniform(layer.weight.shape, &rng)
            if rng != nil { layer.bias!.value = Tensor.normal(layer.bias!.shape, std: 1e-6, using: &rng!) }
        }
    }

    public var children: [(name: String, module: any Module)] { [("0", fc1), ("3", fc2)] }

    /// [rows, d] -> [rows, d].
    public func callAsFunction(_ x: Variable) throws -> Variable { try fc2(gelu(try fc1(x))) }
}

/// One pre-norm transformer encoder layer (torchvision's `EncoderBlock`):
/// x + attention(ln_1(x)), then + mlp(ln_2(...)).
public final class EncoderBlock: Module {
    public let ln1: LayerNorm
    public let selfAttention: MultiheadSelfAttention
    public let ln2: LayerNorm
    public let mlp: MLPBlock
    public var isTraining = true

    init(features: Int, heads: Int, mlpFeatures: Int, rng: inout SeededGenerator?) {
        ln1 = LayerNorm(features: features)
        selfAttention = MultiheadSelfAttention(features: features, heads: heads, rng: &rng)
        ln2 = LayerNorm(features: features)
        mlp = MLPBlock(features: features, hidden: mlpFeatures, rng: &rng)
    }

    public var children: [(name: String, module: any Module)] {
        [("ln_1", ln1), ("self_attention", selfAttention), ("ln_2", ln2), ("mlp", mlp)]
    }

    /// Tokens [N, S, d] -> [N, S, d].
    public func callAsFunction(_ x: Variable) throws -> Variable {
        let h = try x + selfAttention(ln1(x))
        let shape = h.shape
        let rows = try reshape(h, [shape[0] * shape[1], shape[2]])
        return try reshape(try rows + mlp(ln2(rows)), shape)
    }
}
