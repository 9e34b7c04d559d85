/// A member of the ResNet family: its block and the number of blocks in each of the four stages
/// (He et al. 2016, Table 1; ResNet-10 is the shallow [1, 1, 1, 1] variant).
public struct ResNetArchitecture: Sendable, Equatable, CustomStringConvertible {
    public var block: ResidualBlockKind
    public var layers: [Int]

    public init(block: ResidualBlockKind, layers: [Int]) {
        self.block = block
        self.layers = layers
    }

    public static let resnet10 = ResNetArchitecture(block: .basic, layers: [1, 1, 1, 1])
    public static let resnet18 = ResNetArchitecture(block: .basic, layers: [2, 2, 2, 2])
    public static let resnet34 = ResNetArchitecture(block: .basic, layers: [3, 4, 6, 3])
    public static let resnet50 = ResNetArchitecture(block: .bottleneck, layers: [3, 4, 6, 3])
    public static let resnet101 = ResNetArchitecture(block: .bottleneck, layers: [3, 4, 23, 3])
    public static let resnet152 = ResNetArchitecture(block: .bottleneck, layers: [3, 8, 36, 3])

    /// The named ResNets of `Architecture`, shallowest first.
    public static let all: [(name: String, architecture: ResNetArchitecture)] =
        Architecture.allCases.compactMap { named in named.resnet.map { (named.rawValue, $0) } }

    /// `resnet10`, `resnet18`, `resnet34`, `resnet50`, `resnet101` or `resnet152`.
    public init?(name: String) {
        guard let found = Architecture(rawValue: name.lowercased())?.resnet else { return nil }
        self = found
    }

    /// The architecture's name, or a description such as `resnet(bottleneck, [2, 2, 2, 2])` for others.
    public var description: String {
        Self.all.first { $0.architecture == self }?.name ?? "resnet(\(block.rawValue), \(layers))"
    }

    /// The architecture a state dict with torchvision's key names describes (blocks per stage from the
    /// `layerN.M.` prefixes, bottleneck blocks from `conv3`), or nil when the keys are not a ResNet's.
    public init?(stateKeys keys: some Collection<String>) {
        var counts = [0, 0, 0, 0]
        var bottleneck = false
        for key in keys {
            let parts = key.split(separator: ".")
            guard parts.count >= 3, parts[0].hasPrefix("layer"), let stage = Int(parts[0].dropFirst(5)),
                  (1...4).contains(stage), let block = Int(parts[1]) else { continue }
            counts[stage - 1] = max(counts[stage - 1], block + 1)
            if parts[2] == "conv3" { bottleneck = true }
        }
        guard counts.allSatisfy({ $0 > 0 }), keys.contains("conv1.weight"), keys.contains("fc.weight") else { return nil }
        self.init(block: bottleneck ? .bottleneck : .basic, layers: counts)
    }
}
