/// The shape of a vision transformer (Dosovitskiy et al. 2021): square patches of `patchSize` pixels from a square
/// image of `imageSize`, `depth` encoder layers of width `features` with `heads` attention heads and an MLP of
/// `mlpFeatures`.
public struct VisionTransformerConfiguration: Sendable, Equatable, CustomStringConvertible {
    public var imageSize: Int
    public var patchSize: Int
    public var features: Int
    public var depth: Int
    public var heads: Int
    public var mlpFeatures: Int

    public init(imageSize: Int, patchSize: Int, features: Int, depth: Int, heads: Int, mlpFeatures: Int) {
        self.imageSize = imageSize
        self.patchSize = patchSize
        self.features = features
        self.depth = depth
        self.heads = heads
        self.mlpFeatures = mlpFeatures
    }

    /// Patches per side (the strided patch convolution drops a remainder) and tokens (patches plus the class token).
    public var gridSize: Int { imageSize / patchSize }
    public var tokens: Int { gridSize * gridSize + 1 }

    /// `vit-tiny`: patch 8 (64 patches at 64x64), width 96, 4 layers of 4 heads, MLP 384: ~0.47 M parameters,
    /// small enough to train on two cores. The image size follows the run's input size.
    public static func tiny(imageSize: Int = 64) -> VisionTransformerConfiguration {
        VisionTransformerConfiguration(imageSize: imageSize, patchSize: 8, features: 96, depth: 4, heads: 4, mlpFeatures: 384)
    }

    /// A named configuration (see `Architecture`) at `imageSize`, or nil.
    public init?(name: String, imageSize: Int) {
        guard let found = Architecture(rawValue: name.lowercased())?.visionTransformer(imageSize: imageSize) else { return nil }
        self = found
    }

    /// The problem with this configuration, or nil when it is usable.
    public var problem: String? {
        if patchSize < 1 || imageSize < patchSize { return "image size \(imageSize) is smaller than a patch (\(patchSize))" }
        if features < 1 || depth < 1 || heads < 1 || mlpFeatures < 1 { return "sizes must be positive" }
        if features % heads != 0 { return "width \(features) does not split into \(heads) heads" }
        return nil
    }

    public var description: String {
        "vit(image \(imageSize), patch \(patchSize), width \(features), depth \(depth), heads \(heads), mlp \(mlpFeatures))"
    }
}
