import Autodiff
import Tensor

/// A piece of a module's state that is saved and loaded but not trained (batch norm's running statistics).
///
/// It reads and writes the value where the layer keeps it, so loading a checkpoint updates the layer in place.
public struct Buffer {
    public let dtype: DType
    public let shape: [Int]
    private let read: () -> StateTensor
    private let write: (StateTensor) -> Void

    public init(dtype: DType, shape: [Int], get: @escaping () -> StateTensor, set: @escaping (StateTensor) -> Void) {
        self.dtype = dtype
        self.shape = shape
        read = get
        write = set
    }

    public var value: StateTensor { read() }

    /// Stores `value`, which the caller has checked has this buffer's dtype and shape.
    func assign(_ value: StateTensor) {
        precondition(value.dtype == dtype && value.shape == shape, "Buffer: \(value.dtype) \(value.shape) into \(dtype) \(shape)")
        write(value)
    }
}

extension Buffer {
    /// `running_mean` of a batch-norm layer.
    static func runningMean(_ running: RunningStatistics) -> Buffer {
        Buffer(dtype: .float32, shape: running.mean.shape,
               get: { .float32(running.mean) },
               set: { if case let .float32(t) = $0 { running.mean = t } })
    }

    /// `running_var` of a batch-norm layer.
    static func runningVariance(_ running: RunningStatistics) -> Buffer {
        Buffer(dtype: .float32, shape: running.variance.shape,
               get: { .float32(running.variance) },
               set: { if case let .float32(t) = $0 { running.variance = t } })
    }

    /// `num_batches_tracked` of a batch-norm layer: an Int64 scalar, as PyTorch stores it.
    static func batchesTracked(_ running: RunningStatistics) -> Buffer {
        Buffer(dtype: .int64, shape: [],
               get: { .int64(shape: [], values: [running.batchesTracked]) },
               set: { if case let .int64(_, v) = $0 { running.batchesTracked = v[0] } })
    }
}
