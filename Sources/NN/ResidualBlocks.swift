import Autodiff
import Tensor

/// The two residual blocks of He et al. 2016: `basic` (two 3x3 convolutions, ResNet-18/34) and `bottleneck`
/// (1x1 reduce, 3x3, 1x1 expand by 4; ResNet-50/101/152).
public enum ResidualBlockKind: String, Sendable, Equatable {
    case basic
    case bottleneck

    /// Output channels per "planes" of the stage.
    public var expansion: Int { self == .basic ? 1 : 4 }
}

/// `relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))`, as torchvision's `BasicBlock`.
public final class BasicBlock: Module {
    public let conv1: Conv2d, bn1: BatchNorm2d, conv2: Conv2d, bn2: BatchNorm2d
    /// 1x1 convolution and batch norm on the shortcut where the shape changes.
    public let downsample: Sequential?
    public var isTraining = true

    init(inChannels: Int, planes: Int, stride: Int, using rng: inout SeededGenerator) {
        conv1 = Conv2d(inChannels: inChannels, outChannels: planes, kernelSize: 3, stride: stride, padding: 1, using: &rng)
        bn1 = BatchNorm2d(channels: planes)
        conv2 = Conv2d(inChannels: planes, outChannels: planes, kernelSize: 3, padding: 1, using: &rng)
        bn2 = BatchNorm2d(channels: planes)
        downsample = shortcut(inChannels: inChannels, outChannels: planes, stride: stride, using: &rng)
    }

    /// The block's last batch norm (zero-initialised with `zeroInitResidual`, so the block starts as identity).
    var lastNorm: BatchNorm2d { bn2 }

    public var children: [(name: String, module: any Module)] {
        [("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2)] + (downsample.map { [("downsample", $0)] } ?? [])
    }

    public func callAsFunction(_ x: Variable) throws -> Variable {
        let out = try bn2(conv2(relu(bn1(conv1(x)))))
        return relu(try out + (downsample.map { try $0(x) } ?? x))
    }
}

/// `relu(bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x))))))) + shortcut(x))` with the stride on the 3x3
/// convolution (`conv2`), as torchvision's `Bottleneck` (ResNet v1.5).
public final class Bottleneck: Module {
    public let conv1: Conv2d, bn1: BatchNorm2d, conv2: Conv2d, bn2: BatchNorm2d, conv3: Conv2d, bn3: BatchNorm2d
    public let downsample: Sequential?
    public var isTraining = true

    init(inChannels: Int, planes: Int, stride: Int, using rng: inout SeededGenerator) {
        let out = planes * ResidualBlockKind.bottleneck.expansion
        conv1 = Conv2d(inChannels: inChannels, outChannels: planes, kernelSize: 1, using: &rng)
        bn1 = BatchNorm2d(channels: planes)
        conv2 = Conv2d(inChannels: planes, outChannels: planes, kernelSize: 3, stride: stride, padding: 1, using: &rng)
        bn2 = BatchNorm2d(channels: planes)
        conv3 = Conv2d(inChannels: planes, outChannels: out, kernelSize: 1, using: &rng)
        bn3 = BatchNorm2d(channels: out)
        downsample = shortcut(inChannels: inChannels, outChannels: out, stride: stride, using: &rng)
    }

    var lastNorm: BatchNorm2d { bn3 }

    public var children: [(name: String, module: any Module)] {
        [("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2), ("conv3", conv3), ("bn3", bn3)]
            + (downsample.map { [("downsample", $0)] } ?? [])
    }

    public func callAsFunction(_ x: Variable) throws -> Variable {
        let h = try relu(bn2(conv2(relu(bn1(conv1(x))))))
        let out = try bn3(conv3(h))
        return relu(try out + (downsample.map { try $0(x) } ?? x))
    }
}

/// The projection shortcut (1x1 convolution with the block's stride, then batch norm) when the block changes the
/// shape, else nil (identity).
private func shortcut(inChannels: Int, outChannels: Int, stride: Int, using rng: inout SeededGenerator) -> Sequential? {
    guard stride != 1 || inChannels != outChannels else { return nil }
    return Sequential([
        Conv2d(inChannels: inChannels, outChannels: outChannels, kernelSize: 1, stride: stride, using: &rng),
        BatchNorm2d(channels: outChannels),
    ])
}
