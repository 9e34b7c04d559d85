import Foundation
import Tensor
import SeededRandom

/// A network that maps images [N, inputChannels, H, W] to class logits [N, classes] and saves itself with its
/// architecture in the checkpoint metadata: a `ResNet` or a `VisionTransformer`. Training, evaluation and
/// prediction work on any classifier; ResNet-only tools (Grad-CAM) cast.
public protocol Classifier: Module {
    var inputChannels: Int { get }
    var classes: Int { get }
    /// The checkpoint metadata that lets `loadClassifier` rebuild the network.
    var metadata: [String: String] { get }
}

extension ResNet: Classifier {}

extension VisionTransformer: Classifier {
    /// Metadata keys for a transformer's shape, besides `ResNet.MetadataKey`'s architecture, channels and classes.
    public enum MetadataKey {
        public static let imageSize = "perseus.vit.image_size"
        public static let patchSize = "perseus.vit.patch_size"
        public static let features = "perseus.vit.features"
        public static let depth = "perseus.vit.depth"
        public static let heads = "perseus.vit.heads"
        public static let mlpFeatures = "perseus.vit.mlp_features"
    }

    public var metadata: [String: String] {
        let c = configuration
        return [ResNet.MetadataKey.architecture: name, ResNet.MetadataKey.inputChannels: String(inputChannels),
                ResNet.MetadataKey.classes: String(classes),
                MetadataKey.imageSize: String(c.imageSize), MetadataKey.patchSize: String(c.patchSize),
                MetadataKey.features: String(c.features), MetadataKey.depth: String(c.depth),
                MetadataKey.heads: String(c.heads), MetadataKey.mlpFeatures: String(c.mlpFeatures)]
    }

    /// Builds the transformer a safetensors file saved by Perseus holds (its shape from the metadata) and loads it.
    public convenience init(_ file: SafeTensors, source: String) throws {
        func number(_ key: String) throws -> Int {
            guard let text = file.metadata[key], let value = Int(text) else {
                throw CheckpointError.mismatch(file: source, "a vision transformer checkpoint needs \(key) in its metadata")
            }
            return value
        }
        let configuration = VisionTransformerConfiguration(
            imageSize: try number(MetadataKey.imageSize), patchSize: try number(MetadataKey.patchSize),
            features: try number(MetadataKey.features), depth: try number(MetadataKey.depth),
            heads: try number(MetadataKey.heads), mlpFeatures: try number(MetadataKey.mlpFeatures))
        if let problem = configuration.problem { throw CheckpointError.mismatch(file: source, "\(configuration): \(problem)") }
        var none: SeededGenerator? = nil
        try self.init(configuration, name: file.metadata[ResNet.MetadataKey.architecture],
                      inputChannels: try number(ResNet.MetadataKey.inputChannels),
                      classes: try number(ResNet.MetadataKey.classes), rng: &none)
        try loadStateDict(file.tensors, source: source)
    }
}

/// The classifier a safetensors file holds: a vision transformer when its metadata names one (`vit-...`), else a
/// ResNet (recorded or inferred from the keys, as `ResNet.init(_:architecture:source:)`).
public func loadClassifier(_ file: SafeTensors, source: String) throws -> any Classifier {
    if file.metadata[ResNet.MetadataKey.architecture]?.lowercased().hasPrefix("vit") == true
        || file.tensors["class_token"] != nil {
        return try VisionTransformer(file, source: source)
    }
    return try ResNet(file, source: source)
}
