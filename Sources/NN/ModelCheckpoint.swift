import Foundation
import Tensor

extension Module {
    /// The model's state dict as a safetensors file with `metadata` in `__metadata__`.
    public func checkpoint(metadata: [String: String] = [:]) -> SafeTensors {
        SafeTensors(tensors: Dictionary(uniqueKeysWithValues: stateDict().map { ($0.name, $0.value) }), metadata: metadata)
    }

    /// Saves the state dict atomically in safetensors format; PyTorch loads it with
    /// `model.load_state_dict(safetensors.torch.load_file(path))`.
    public func save(to url: URL, metadata: [String: String] = [:]) throws {
        try checkpoint(metadata: metadata).write(to: url)
    }

    /// Loads a safetensors state dict strictly (see `loadStateDict`) and returns the file's metadata.
    @discardableResult
    public func load(from url: URL) throws -> [String: String] {
        let file = try SafeTensors(contentsOf: url)
        try loadStateDict(file.tensors, source: url.path)
        return file.metadata
    }
}

extension ResNet {
    /// Metadata keys Perseus records, so a file says what network it holds.
    public enum MetadataKey {
        public static let architecture = "perseus.architecture"
        public static let inputChannels = "perseus.input_channels"
        public static let classes = "perseus.classes"
    }

    /// This network's description for `__metadata__`.
    public var metadata: [String: String] {
        [MetadataKey.architecture: architecture.description,
         MetadataKey.inputChannels: String(inputChannels),
         MetadataKey.classes: String(classes)]
    }

    /// Saves the weights with the architecture recorded in the metadata (plus `extra` fields).
    public func save(to url: URL, extra: [String: String] = [:]) throws {
        try save(to: url, metadata: metadata.merging(extra) { ours, _ in ours })
    }

    /// Builds the network a safetensors file holds and loads its weights. The architecture is `architecture` if
    /// given, else the one recorded in the metadata, else the one the keys describe (a file saved from PyTorch);
    /// input channels and classes come from the shapes of `conv1.weight` and `fc.weight`.
    public convenience init(contentsOf url: URL, architecture: ResNetArchitecture? = nil) throws {
        let file = try SafeTensors(contentsOf: url)
        try self.init(file, architecture: architecture, source: url.path)
    }

    public convenience init(_ file: SafeTensors, architecture: ResNetArchitecture? = nil, source: String) throws {
        let recorded = file.metadata[MetadataKey.architecture].flatMap(ResNetArchitecture.init(name:))
        guard let chosen = architecture ?? recorded ?? ResNetArchitecture(stateKeys: file.tensors.keys) else {
            throw CheckpointError.mismatch(file: source, "cannot tell the architecture: no \(MetadataKey.architecture) in the metadata and the keys are not a ResNet's (pass the architecture)")
        }
        guard let stem = file.tensors["conv1.weight"], stem.shape.count == 4,
              let head = file.tensors["fc.weight"], head.shape.count == 2 else {
            throw CheckpointError.mismatch(file: source, "needs conv1.weight [64, C, 7, 7] and fc.weight [classes, features]")
        }
        self.init(chosen, inputChannels: stem.shape[1], classes: head.shape[0])
        try loadStateDict(file.tensors, source: source)
    }
}
