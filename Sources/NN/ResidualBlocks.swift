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

    init(inChannels: Int, planes: Int, stride: Int, initialiser: inout Initialiser) {
        conv1 = Conv2d(inChannels: inChannels, outChannels: planes, kernelSize: 3, stride: stride, padding: 1, initialiser: &initialiser)
        bn1 = BatchNorm2d(channels: planes)
        conv2 = Conv2d(inChannels: planes, outChannels: planes, kernelSize: 3, padding: 1, initialiser: &initialiser)
        bn2 = BatchNorm2d(channels: planes)
        downsample = shortcut(inChannels: inChannels, outChannels: planes, stride: stride, initialiser: &initialiser)
    }

    /// The block's last batch norm (zero-initialised with `zeroInitResidual`, so the block starts as identity).
    var lastNorm: BatchNorm2d { bn2 }

    public var children: [(name: String, module: any Module)] {
        [("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2)] + (downsample.map { [("downsample", $0)] } ?? [])
    }

    public func callAsFunction(_ x: Variable) throws -> Variable {
        if canFuse([bn1, bn2], downsample) {
            let h = try fused(x, conv1, bn1, relu: true)
            return try fused(h, conv2, bn2, relu: true, residual: fusedShortcut(downsample, x))
        }
        let out = try bn2(conv2(bn1.withReLU(conv1(x))))
        return relu(try out + (downsample.map { try $0(x) } ?? x))
    }
}

/// `relu(bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x))))))) + shortcut(x))` with the stride on the 3x3
/// convolution (`conv2`), as torchvision's `Bottleneck` (ResNet v1.5).
public final class Bottleneck: Module {
    public let conv1: Conv2d, bn1: BatchNorm2d, conv2: Conv2d, bn2: BatchNorm2d, conv3: Conv2d, bn3: BatchNorm2d
    public let downsample: Sequential?
    public var isTraining = true

    init(inChannels: Int, planes: Int, stride: Int, initialiser: inout Initialiser) {
        let out = planes * ResidualBlockKind.bottleneck.expansion
        conv1 = Conv2d(inChannels: inChannels, outChannels: planes, kernelSize: 1, initialiser: &initialiser)
        bn1 = BatchNorm2d(channels: planes)
        conv2 = Conv2d(inChannels: planes, outChannels: planes, kernelSize: 3, stride: stride, padding: 1, initialiser: &initialiser)
        bn2 = BatchNorm2d(channels: planes)
        conv3 = Conv2d(inChannels: planes, outChannels: out, kernelSize: 1, initialiser: &initialiser)
        bn3 = BatchNorm2d(channels: out)
        downsample = shortcut(inChannels: inChannels, outChannels: out, stride: stride, initialiser: &initialiser)
    }

    var lastNorm: BatchNorm2d { bn3 }

    public var children: [(name: String, module: any Module)] {
        [("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2), ("conv3", conv3), ("bn3", bn3)]
            + (downsample.map { [("downsample", $0)] } ?? [])
    }

    public func callAsFunction(_ x: Variable) throws -> Variable {
        if canFuse([bn1, bn2, bn3], downsample) {
            let h = try fused(fused(x, conv1, bn1, relu: true), conv2, bn2, relu: true)
            return try fused(h, conv3, bn3, relu: true, residual: fusedShortcut(downsample, x))
        }
        let h = try bn2.withReLU(conv2(bn1.withReLU(conv1(x))))
        let out = try bn3(conv3(h))
        return relu(try out + (downsample.map { try $0(x) } ?? x))
    }
}

/// The projection shortcut (1x1 convolution with the block's stride, then batch norm) when the block changes the
/// shape, else nil (identity).
private func shortcut(inChannels: Int, outChannels: Int, stride: Int, initialiser: inout Initialiser) -> Sequential? {
    guard stride != 1 || inChannels != outChannels else { return nil }
    return Sequential([
        Conv2d(inChannels: inChannels, outChannels: outChannels, kernelSize: 1, stride: stride, initialiser: &initialiser),
        BatchNorm2d(channels: outChannels),
    ])
}

// MARK: Fused evaluation

/// Whether a block may run as fused convolutions: evaluation mode in all its batch norms, no gradients, and a
/// shortcut that is either the identity or a convolution + batch norm.
func canFuse(_ norms: [BatchNorm2d], _ downsample: Sequential?) -> Bool {
    guard fusedInferenceEnabled, norms.allSatisfy({ !$0.isTraining }) else { return false }
    guard let downsample else { return true }
    return downsample.layers.count == 2 && downsample.layers[0] is Conv2d
        && (downsample.layers[1] as? BatchNorm2d).map { !$0.isTraining } == true
}

/// `relu?(bn(conv(x)) + residual?)` with the batch norm folded into the convolution, in `EngineOptions.precision`
/// (while `EngineOptions.calibrating`, in fp32, recording the input's range).
func fused(_ x: Variable, _ conv: Conv2d, _ norm: BatchNorm2d, relu: Bool, residual: Variable? = nil) throws -> Variable {
    let precision: ConvolutionPrecision
    if EngineOptions.calibrating {
        conv.observeInput(int8Range(of: x))
        precision = .fp32
    } else {
        switch EngineOptions.precision {
        case .fp32: precision = .fp32
        case .bf16: precision = .bf16
        case .int8:
            guard let range = conv.int8Input else {
                throw EngineError.shape(op: "int8 inference", "a convolution of weight \(conv.weight.shape) was never calibrated: run the network under EngineOptions.calibrating first")
            }
            // A signed input (the normalised image, into the stem) stays fp32: the first layer sees the faintest
            // signal, and it is a few per cent of the work.
            precision = range.nonNegative ? .int8(range) : .fp32
        }
    }
    return try conv2dBatchNormInference(x, weight: conv.weight, bias: conv.bias, stride: conv.stride,
                                        padding: conv.padding, normWeight: norm.weight, normBias: norm.bias,
                                        running: norm.running, epsilon: norm.epsilon, relu: relu, residual: residual,
                                        precision: precision)
}

/// The shortcut of a fused block: the identity, or its projection with the batch norm folded in.
func fusedShortcut(_ downsample: Sequential?, _ x: Variable) throws -> Variable {
    guard let downsample else { return x }
    return try fused(x, downsample.layers[0] as! Conv2d, downsample.layers[1] as! BatchNorm2d, relu: false)
}
