import Autodiff
import Tensor

/// Max pooling (PyTorch's `nn.MaxPool2d`: padding counts as -infinity).
public final class MaxPool2d: Module {
    public let kernelSize: Int
    public let stride: Int
    public let padding: Int
    public var isTraining = true

    public init(kernelSize: Int, stride: Int, padding: Int = 0) {
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
    }

    public func callAsFunction(_ x: Variable) throws -> Variable {
        try maxPool2d(x, kernel: kernelSize, stride: stride, padding: padding)
    }
}

/// Mean over each channel's plane: [N, C, H, W] -> [N, C] (torchvision's `avgpool` followed by `flatten`).
public final class GlobalAveragePool: Module {
    public var isTraining = true
    public init() {}
    public func callAsFunction(_ x: Variable) throws -> Variable { try globalAveragePool(x) }
}
