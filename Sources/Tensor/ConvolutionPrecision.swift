/// What a user asks inference to run in: `fp32`, `bf16` (AVX512_BF16) or `int8` (AVX512_VNNI, after calibration).
public enum InferencePrecision: String, Sendable, CaseIterable, Codable {
    case fp32, bf16, int8
}

/// What a user asks training to run in: `fp32`, or `bf16` (AVX512_BF16): every convolution's forward and backward
/// dot products in bfloat16, with fp32 accumulation, gradients and master weights.
public enum TrainingPrecision: String, Sendable, CaseIterable, Codable {
    case fp32, bf16

    public var convolution: ConvolutionPrecision { self == .bf16 ? .bf16 : .fp32 }
}

/// The arithmetic of a convolution (int8: inference only). Activations between layers stay fp32 whatever it is: a
/// bf16 or int8 convolution converts its input on the way in and writes fp32, so batch norm folding, residual
/// additions, pooling and the head are unchanged.
public enum ConvolutionPrecision: Hashable, Sendable {
    case fp32
    /// bfloat16 inputs and weights (AVX512_BF16's dot products), fp32 accumulation and output.
    case bf16
    /// 8-bit inputs and weights (AVX512_VNNI), int32 accumulation, fp32 output. The input is quantised with the
    /// range calibration saw (`Int8Range`); the weights per output channel by their own largest magnitude.
    case int8(Int8Range)
}

/// The values a convolution's input took during calibration: how it is quantised at int8 (`u8` over 0...maximum
/// when nothing was negative, after a ReLU; else `s8` over -maximum...maximum).
public struct Int8Range: Hashable, Sendable {
    public var maximum: Float
    public var nonNegative: Bool

    public init(maximum: Float, nonNegative: Bool) {
        self.maximum = maximum
        self.nonNegative = nonNegative
    }

    /// Quantised units per input unit: 255 or 127 steps over the range (an empty range maps to 1).
    public var scale: Float { maximum > 0 ? (nonNegative ? 255 : 127) / maximum : 1 }
}
