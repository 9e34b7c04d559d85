import Tensor

/// The kernels the network operations run on. `conv2d`, `batchNorm`, `batchNormReLU`, `relu`, `+` and `maxPool2d`
/// hand their work to `backend`, the one place that reads `EngineOptions.blockedLayouts`; no operation tests the
/// option itself. Each operation's file holds its two implementations side by side.
protocol Backend {
    func conv2d(_ x: Variable, weight: Variable, bias: Variable?, stride: Int, padding: Int) throws -> Variable
    func batchNorm(_ x: Variable, weight: Variable, bias: Variable, running: RunningStatistics, training: Bool,
                   momentum: Float, epsilon: Float) throws -> Variable
    func batchNormReLU(_ x: Variable, weight: Variable, bias: Variable, running: RunningStatistics, training: Bool,
                       momentum: Float, epsilon: Float) throws -> Variable
    func relu(_ x: Variable) -> Variable
    func add(_ lhs: Variable, _ rhs: Variable) throws -> Variable
    func maxPool2d(_ x: Variable, kernel: Int, stride: Int, padding: Int) throws -> Variable
    /// Whether evaluation without gradients may fold batch norm into the convolution before it
    /// (`conv2dBatchNormInference`, which works on blocked layouts).
    var fusesInference: Bool { get }
}

/// Row-major tensors and the plain reference kernels (oneDNN's convolution reordered around each call): what tests
/// compare the blocked path against.
struct PlainBackend: Backend {
    var fusesInference: Bool { false }
}

/// Activations kept in the layouts oneDNN's primitives choose, from layer to layer, with fused layers. Operations
/// other than the convolution take this path only for values already in a layout (a convolution's output and
/// what follows it); for plain values they run the plain kernels.
struct BlockedBackend: Backend {
    var fusesInference: Bool { true }
}

/// The backend for the current task: blocked layouts unless `EngineOptions.blockedLayouts` is off.
var backend: any Backend {
    EngineOptions.blockedLayouts ? BlockedBackend() : PlainBackend()
}
