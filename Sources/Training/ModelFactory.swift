import Dataset
import Autodiff
import NN
import Tensor

extension TrainingConfiguration {
    /// Bands of the images: 1 when grey, else `channels` (3 until resolved from the images).
    public var bands: Int { grey ? 1 : channels > 0 ? channels : 3 }

    /// Planes the network takes: the bands, then the magnitude's when `magnitudeInput`.
    public var inputChannels: Int { bands + (magnitudeInput ? 1 : 0) }

    /// A freshly initialised network as configured, one output per class (membership: background 0, member 1): a
    /// ResNet, or a vision transformer whose image size is the run's input size.
    func makeModel() throws -> any Classifier {
        if let architecture = model.resnet {
            return ResNet(architecture, inputChannels: inputChannels, classes: classes.count, seed: seed)
        }
        let transformer = model.visionTransformer(imageSize: inputSize)!
        do {
            return try VisionTransformer(transformer, name: model.rawValue, inputChannels: inputChannels, classes: classes.count, seed: seed)
        } catch {
            throw ConfigurationError(message: "model \(model.rawValue) at input size \(inputSize): \(error)")
        }
    }

    /// An optimizer for the model's trainable parameters and any `extra` trained beside them (an auxiliary head).
    func makeOptimizer(for model: any Classifier, extra: [(name: String, variable: Variable)] = []) -> any Optimizer {
        let own = trainableParameters(of: model)
        let parameters = own + extra
        let made: any Optimizer
        switch optimizer {
        case .adam: made = Adam(parameters: parameters, learningRate: learningRate, weightDecay: weightDecay)
        case .adamw: made = Adam.adamW(parameters: parameters, learningRate: learningRate, weightDecay: weightDecay)
        case .sgd:
            made = SGD(parameters: parameters, learningRate: learningRate, momentum: momentum,
                       weightDecay: weightDecay, nesterov: nesterov)
        }
        // The extra parameters (an auxiliary head) are no stage of the network: they keep the full rate.
        made.learningRateScales = own.map { learningRateScale(of: $0.name) } + extra.map { _ in 1 }
        return made
    }

    func makeSchedule(stepsPerEpoch: Int) -> any LearningRateSchedule {
        let period = decaySteps > 0 ? decaySteps : max(stepsPerEpoch, 1)
        switch schedule {
        case .step: return StepDecay(initial: learningRate, factor: decayRate, stepSize: period)
        case .cosine:
            // A warm-up as long as the run would leave no decay: keep at least the last epoch for it.
            return CosineDecayWithWarmup(peak: learningRate, warmupSteps: min(warmupEpochs, epochs - 1) * stepsPerEpoch,
                                         totalSteps: max(epochs * stepsPerEpoch, 1))
        case .constant: return ExponentialDecay(initial: learningRate, rate: 1, decaySteps: 1)
        case .exponential: return ExponentialDecay(initial: learningRate, rate: decayRate, decaySteps: period, staircase: staircase)
        }
    }
}
