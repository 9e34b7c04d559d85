import Foundation

/// The learning rate as a function of the optimizer step (counted from 0).
public protocol LearningRateSchedule: Sendable {
    func learningRate(atStep step: Int) -> Float
}

/// `initial * rate^(step / decaySteps)`, with the exponent rounded down when `staircase` (Keras's
/// `ExponentialDecay`, the schedule the study used).
public struct ExponentialDecay: LearningRateSchedule {
    public var initial: Float
    public var rate: Float
    public var decaySteps: Int
    public var staircase: Bool

    public init(initial: Float, rate: Float, decaySteps: Int, staircase: Bool = false) {
        precondition(decaySteps > 0, "ExponentialDecay: decaySteps must be positive")
        self.initial = initial
        self.rate = rate
        self.decaySteps = decaySteps
        self.staircase = staircase
    }

    public func learningRate(atStep step: Int) -> Float {
        let exponent = staircase ? Double(step / decaySteps) : Double(step) / Double(decaySteps)
        return Float(Double(initial) * pow(Double(rate), exponent))
    }
}

/// `initial * factor^floor(step / stepSize)`: the rate drops by `factor` every `stepSize` steps (PyTorch's `StepLR`).
public struct StepDecay: LearningRateSchedule {
    public var initial: Float
    public var factor: Float
    public var stepSize: Int

    public init(initial: Float, factor: Float = 0.1, stepSize: Int) {
        precondition(stepSize > 0, "StepDecay: stepSize must be positive")
        self.initial = initial
        self.factor = factor
        self.stepSize = stepSize
    }

    public func learningRate(atStep step: Int) -> Float {
        Float(Double(initial) * pow(Double(factor), Double(step / stepSize)))
    }
}

/// Linear warm-up from 0 to `peak` over `warmupSteps`, then a half cosine from `peak` down to `minimum` at
/// `totalSteps` (and `minimum` after it), as in Hugging Face's `get_cosine_schedule_with_warmup`:
///
///     step < warmup:  peak * step / warmup
///     otherwise:      minimum + (peak - minimum) * (1 + cos(pi * (step - warmup) / (total - warmup))) / 2
public struct CosineDecayWithWarmup: LearningRateSchedule {
    public var peak: Float
    public var warmupSteps: Int
    public var totalSteps: Int
    public var minimum: Float

    public init(peak: Float, warmupSteps: Int, totalSteps: Int, minimum: Float = 0) {
        precondition(warmupSteps >= 0 && totalSteps > warmupSteps, "CosineDecayWithWarmup: need 0 <= warmupSteps < totalSteps")
        self.peak = peak
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
        self.minimum = minimum
    }

    public func learningRate(atStep step: Int) -> Float {
        if step < warmupSteps { return Float(Double(peak) * Double(step) / Double(warmupSteps)) }
        let progress = min(1, Double(step - warmupSteps) / Double(totalSteps - warmupSteps))
        return Float(Double(minimum) + Double(peak - minimum) * (1 + cos(Double.pi * progress)) / 2)
    }
}
