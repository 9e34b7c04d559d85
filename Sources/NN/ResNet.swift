import Autodiff
import Tensor
import SeededRandom

/// A residual network (He et al. 2016) laid out as torchvision's `ResNet`, so its state dict has the same keys:
/// a 7x7 stride-2 stem (`conv1`, `bn1`), 3x3 stride-2 max pooling, four stages (`layer1`..`layer4`, 64 to 512
/// planes, stride 2 from the second on), global average pooling and a linear classifier (`fc`). Any number of input
/// channels and classes; any input from 32x32 up.
public final class ResNet: Module {
    public let architecture: ResNetArchitecture
    public let inputChannels: Int
    public let classes: Int

    public let conv1: Conv2d
    public let bn1: BatchNorm2d
    public let maxpool = MaxPool2d(kernelSize: 3, stride: 2, padding: 1)
    public let layer1: Sequential, layer2: Sequential, layer3: Sequential, layer4: Sequential
    public let avgpool = GlobalAveragePool()
    public let fc: Linear
    public var isTraining = true

    /// Initialised as torchvision does, from a generator seeded with `seed`: Kaiming normal (fan-out, ReLU) for
    /// convolutions, batch norm scale 1 and shift 0, PyTorch's default uniform for `fc`. Values are drawn in
    /// `state_dict` order. With `zeroInitResidual` each block's last batch norm starts with scale 0.
    public convenience init(block: ResidualBlockKind, layers: [Int], inputChannels: Int = 3, classes: Int,
                            zeroInitResidual: Bool = false, seed: UInt64 = 0) {
        self.init(block: block, layers: layers, inputChannels: inputChannels, classes: classes,
                  zeroInitResidual: zeroInitResidual, initialiser: .random(SeededGenerator(seed: seed)))
    }

    /// The network with weights from `initialiser` (`.zeros` when they are about to be loaded).
    init(block: ResidualBlockKind, layers: [Int], inputChannels: Int = 3, classes: Int, zeroInitResidual: Bool = false,
         initialiser: Initialiser) {
        precondition(layers.count == 4 && layers.allSatisfy { $0 > 0 }, "ResNet: need four stages of at least one block")
        precondition(inputChannels > 0 && classes > 0, "ResNet: need at least one input channel and one class")
        architecture = ResNetArchitecture(block: block, layers: layers)
        self.inputChannels = inputChannels
        self.classes = classes
        var initialiser = initialiser

        conv1 = Conv2d(inChannels: inputChannels, outChannels: 64, kernelSize: 7, stride: 2, padding: 3, initialiser: &initialiser)
        bn1 = BatchNorm2d(channels: 64)
        var channels = 64
        func stage(planes: Int, blocks: Int, stride: Int) -> Sequential {
            var modules: [any Module] = []
            for i in 0..<blocks {
                let s = i == 0 ? stride : 1
                switch block {
                case .basic:
                    let b = BasicBlock(inChannels: channels, planes: planes, stride: s, initialiser: &initialiser)
                    if zeroInitResidual { b.lastNorm.weight.value = Tensor.zeros([planes]) }
                    modules.append(b)
                case .bottleneck:
                    let b = Bottleneck(inChannels: channels, planes: planes, stride: s, initialiser: &initialiser)
                    if zeroInitResidual { b.lastNorm.weight.value = Tensor.zeros([planes * 4]) }
                    modules.append(b)
                }
                channels = planes * block.expansion
            }
            return Sequential(modules)
        }
        layer1 = stage(planes: 64, blocks: layers[0], stride: 1)
        layer2 = stage(planes: 128, blocks: layers[1], stride: 2)
        layer3 = stage(planes: 256, blocks: layers[2], stride: 2)
        layer4 = stage(planes: 512, blocks: layers[3], stride: 2)
        fc = Linear(inFeatures: 512 * block.expansion, outFeatures: classes, initialiser: &initialiser)
    }

    public convenience init(_ architecture: ResNetArchitecture, inputChannels: Int = 3, classes: Int,
                            zeroInitResidual: Bool = false, seed: UInt64 = 0) {
        self.init(block: architecture.block, layers: architecture.layers, inputChannels: inputChannels,
                  classes: classes, zeroInitResidual: zeroInitResidual, seed: seed)
    }

    public var children: [(name: String, module: any Module)] {
        [("conv1", conv1), ("bn1", bn1), ("maxpool", maxpool), ("layer1", layer1), ("layer2", layer2),
         ("layer3", layer3), ("layer4", layer4), ("avgpool", avgpool), ("fc", fc)]
    }

    /// Logits [N, classes] for images [N, inputChannels, H, W].
    public func callAsFunction(_ x: Variable) throws -> Variable {
        guard x.shape.count == 4, x.shape[1] == inputChannels else {
            throw EngineError.shape(op: "ResNet", "input \(x.shape), expected [N, \(inputChannels), H, W]")
        }
        let stem = canFuse([bn1], nil) ? try fused(x, conv1, bn1, relu: true) : try bn1.withReLU(conv1(x))
        var h = try maxpool(stem)
        h = try layer4(layer3(layer2(layer1(h))))
        return try fc(avgpool(h))
    }
}
