import Autodiff
import Tensor
import SeededRandom

/// A vision transformer laid out as torchvision's `VisionTransformer`, so its state dict has the same keys
/// (`class_token`, `conv_proj.*`, `encoder.pos_embedding`, `encoder.layers.encoder_layer_0.ln_1.*`,
/// `...self_attention.in_proj_weight`, `...mlp.0.*`, `encoder.ln.*`, `heads.head.*`): a strided convolution cuts
/// the image into patch embeddings, a learned class token is prepended and a learned position embedding added,
/// pre-norm encoder layers follow, and a linear head reads the class token after a final layer norm.
public final class VisionTransformer: Module {
    public let configuration: VisionTransformerConfiguration
    /// The name recorded in checkpoints (`vit-tiny`), or the configuration's description.
    public let name: String
    public let inputChannels: Int
    public let classes: Int

    public let classToken: Variable
    public let convProj: Conv2d
    public let encoder: TransformerEncoder
    public let heads: TransformerHead
    public var isTraining = true

    /// Initialised as torchvision does, from a generator seeded with `seed`: patch convolution N(0, 1/fan_in)
    /// (torchvision truncates it at 2 sigma; we do not), zero class token, position embedding N(0, 0.02^2), Xavier
    /// uniform attention and MLP weights, zero head.
    public convenience init(_ configuration: VisionTransformerConfiguration, name: String? = nil, inputChannels: Int = 3,
                            classes: Int, seed: UInt64 = 0) throws {
        var rng: SeededGenerator? = SeededGenerator(seed: seed)
        try self.init(configuration, name: name, inputChannels: inputChannels, classes: classes, rng: &rng)
    }

    /// With `rng` nil every weight is zero (about to be loaded).
    init(_ configuration: VisionTransformerConfiguration, name: String?, inputChannels: Int, classes: Int,
         rng: inout SeededGenerator?) throws {
        if let problem = configuration.problem {
            throw EngineError.invalidArgument(op: "VisionTransformer", "\(configuration): \(problem)")
        }
        guard inputChannels > 0, classes > 0 else {
            throw EngineError.invalidArgument(op: "VisionTransformer", "need at least one input channel and one class")
        }
        self.configuration = configuration
        self.name = name ?? configuration.description
        self.inputChannels = inputChannels
        self.classes = classes
        let (d, p) = (configuration.features, configuration.patchSize)
        classToken = Variable(Tensor.zeros([1, 1, d]), requiresGrad: true)
        var noInit = Initialiser.zeros
        convProj = Conv2d(inChannels: inputChannels, outChannels: d, kernelSize: p, stride: p, bias: true, initialiser: &noInit)
        if rng != nil {
            let fanIn = inputChannels * p * p
            convProj.weight.value = Tensor.normal(convProj.weight.shape, std: Float((1 / Double(fanIn)).squareRoot()), using: &rng!)
        }
        encoder = TransformerEncoder(configuration, rng: &rng)
        heads = TransformerHead(features: d, classes: classes)
    }

    public var localParameters: [(name: String, variable: Variable)] { [("class_token", classToken)] }
    public var children: [(name: String, module: any Module)] {
        [("conv_proj", convProj), ("encoder", encoder), ("heads", heads)]
    }

    /// Tokens after the final layer norm, [N, 1 + patches, d], for images [N, inputChannels, imageSize, imageSize].
    public func tokens(_ x: Variable) throws -> Variable {
        let size = configuration.imageSize
        guard x.shape.count == 4, x.shape[1] == inputChannels, x.shape[2] == size, x.shape[3] == size else {
            throw EngineError.shape(op: "VisionTransformer", "input \(x.shape), expected [N, \(inputChannels), \(size), \(size)]")
        }
        let (n, d, patches) = (x.shape[0], configuration.features, configuration.gridSize * configuration.gridSize)
        // [N, d, g, g] -> [N, g*g, d]: patches in row-major order over the grid.
        let embedded = try permute(try reshape(try convProj(x), [n, d, patches]), [0, 2, 1])
        let h = try concatenate([try expand(classToken, to: [n, 1, d]), embedded], axis: 1)
        return try encoder(h)
    }

    /// Logits [N, classes].
    public func callAsFunction(_ x: Variable) throws -> Variable {
        let h = try tokens(x)
        let (n, d) = (h.shape[0], h.shape[2])
        return try heads(try reshape(try narrow(h, axis: 1, start: 0, length: 1), [n, d]))
    }

    /// The attention weights of every layer, [N, heads, S, S] each, from one forward pass without gradients.
    public func attentionMaps(_ x: Variable) throws -> [Tensor] {
        let layers = encoder.layers.blocks.map(\.selfAttention)
        for layer in layers { layer.recordsAttention = true }
        defer { for layer in layers { layer.recordsAttention = false } }
        _ = try withNoGrad { try self.tokens(x) }
        return layers.compactMap(\.lastAttention)
    }
}

/// torchvision's `Encoder`: position embedding `pos_embedding` [1, S, d], the layers, and the final `ln`.
public final class TransformerEncoder: Module {
    public let positionEmbedding: Variable
    public let layers: EncoderLayers
    public let ln: LayerNorm
    public var isTraining = true

    init(_ configuration: VisionTransformerConfiguration, rng: inout SeededGenerator?) {
        let shape = [1, configuration.tokens, configuration.features]
        positionEmbedding = Variable(rng == nil ? Tensor.zeros(shape) : Tensor.normal(shape, std: 0.02, using: &rng!),
                                     requiresGrad: true)
        layers = EncoderLayers((0..<configuration.depth).map { _ in
            EncoderBlock(features: configuration.features, heads: configuration.heads,
                         mlpFeatures: configuration.mlpFeatures, rng: &rng)
        })
        ln = LayerNorm(features: configuration.features)
    }

    public var localParameters: [(name: String, variable: Variable)] { [("pos_embedding", positionEmbedding)] }
    public var children: [(name: String, module: any Module)] { [("layers", layers), ("ln", ln)] }

    public func callAsFunction(_ x: Variable) throws -> Variable {
        guard x.shape.count == 3, Array(x.shape.dropFirst()) == Array(positionEmbedding.shape.dropFirst()) else {
            throw EngineError.shape(op: "TransformerEncoder", "tokens \(x.shape), position embedding \(positionEmbedding.shape)")
        }
        return try ln(try layers(try x + expand(positionEmbedding, to: x.shape)))
    }
}

/// The encoder layers, named `encoder_layer_0`, `encoder_layer_1`, ... as torchvision's.
public final class EncoderLayers: Module {
    public let blocks: [EncoderBlock]
    public var isTraining = true

    init(_ blocks: [EncoderBlock]) { self.blocks = blocks }

    public var children: [(name: String, module: any Module)] {
        blocks.enumerated().map { ("encoder_layer_\($0.offset)", $0.element) }
    }

    public func callAsFunction(_ x: Variable) throws -> Variable { try blocks.reduce(x) { try $1($0) } }
}

/// torchvision's `heads`: one linear layer `head`, zero-initialised.
public final class TransformerHead: Module {
    public let head: Linear
    public var isTraining = true

    init(features: Int, classes: Int) {
        var noInit = Initialiser.zeros
        head = Linear(inFeatures: features, outFeatures: classes, initialiser: &noInit)
    }

    public var children: [(name: String, module: any Module)] { [("head", head)] }
    public func callAsFunction(_ x: Variable) throws -> Variable { try head(x) }
}
