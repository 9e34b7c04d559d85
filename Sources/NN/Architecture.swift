/// The networks Perseus trains, by the names that runs, YAML files and the command line use: the one list of
/// architectures. ResNets follow He et al. 2016; `vit-tiny` is a small vision transformer (patch 8) at the run's
/// input size.
public enum Architecture: String, CaseIterable, Codable, Sendable {
    case resnet10, resnet18, resnet34, resnet50, resnet101, resnet152
    case vitTiny = "vit-tiny"

    /// The ResNet's blocks, or nil for a vision transformer.
    public var resnet: ResNetArchitecture? {
        switch self {
        case .resnet10: .resnet10
        case .resnet18: .resnet18
        case .resnet34: .resnet34
        case .resnet50: .resnet50
        case .resnet101: .resnet101
        case .resnet152: .resnet152
        case .vitTiny: nil
        }
    }

    /// The vision transformer's shape at `imageSize`, or nil for a ResNet.
    public func visionTransformer(imageSize: Int) -> VisionTransformerConfiguration? {
        self == .vitTiny ? .tiny(imageSize: imageSize) : nil
    }
}
