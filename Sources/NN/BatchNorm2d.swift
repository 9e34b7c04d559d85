import Autodiff
import Tensor

/// Batch normalisation over the channels of NCHW input (PyTorch's `nn.BatchNorm2d`): learned scale `weight` and
/// shift `bias`, and running statistics (`running_mean`, `running_var`, `num_batches_tracked`) that training
/// updates and evaluation uses.
public final class BatchNorm2d: Module {
    public let weight: Variable
    public let bias: Variable
    public let running: RunningStatistics
    public let momentum: Float
    public let epsilon: Float
    public var isTraining = true

    /// Scale 1 and shift 0, as torchvision initialises them.
    public init(channels: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        weight = Variable(Tensor.ones([channels]), requiresGrad: true)
        bias = Variable(Tensor.zeros([channels]), requiresGrad: true)
        running = RunningStatistics(channels: channels)
        self.momentum = momentum
        self.epsilon = epsilon
    }

    public var localParameters: [(name: String, variable: Variable)] { [("weight", weight), ("bias", bias)] }

    public var localBuffers: [(name: String, buffer: Buffer)] {
        [("running_mean", .runningMean(running)), ("running_var", .runningVariance(running)),
         ("num_batches_tracked", .batchesTracked(running))]
    }

    public func callAsFunction(_ x: Variable) throws -> Variable {
        try batchNorm(x, weight: weight, bias: bias, running: running, training: isTraining,
                      momentum: momentum, epsilon: epsilon)
    }

    /// `relu(self(x))`, in one pass where the engine fuses them (training on blocked layouts).
    func withReLU(_ x: Variable) throws -> Variable {
        try batchNormReLU(x, weight: weight, bias: bias, running: running, training: isTraining,
                          momentum: momentum, epsilon: epsilon)
    }
}
