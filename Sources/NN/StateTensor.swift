import Tensor

/// The element types a checkpoint holds: Float32 weights and statistics, Int64 counters (`num_batches_tracked`).
/// The raw values are safetensors' dtype names.
public enum DType: String, Sendable, Equatable {
    case float32 = "F32"
    case int64 = "I64"

    /// Bytes per element.
    public var size: Int { switch self { case .float32: 4; case .int64: 8 } }
}

/// One named entry of a model's state: a parameter or buffer's value as it goes to and from a checkpoint.
public enum StateTensor: Sendable, Equatable {
    case float32(Tensor)
    case int64(shape: [Int], values: [Int64])

    public var dtype: DType {
        switch self { case .float32: .float32; case .int64: .int64 }
    }

    public var shape: [Int] {
        switch self {
        case let .float32(tensor): tensor.shape
        case let .int64(shape, _): shape
        }
    }

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }
}
