import NN
import Tensor

extension TrainingConfiguration {
    /// Bands the network takes: 1 when grey, else `channels` (3 until resolved from the images).
    public var inputChannels: Int { grey ? 1 : channels > 0 ? channels : 3 }

    /// A freshly initialised network as configured (two classes: background 0, member 1).
    func makeModel() throws -> ResNet {
        guard let architecture = ResNetArchitecture(name: model) else {
            throw ConfigurationError(message: "unknown model '\(model)'")
        }
        return ResNet(architecture, inputChannels: inputChannels, classes: 2, seed: seed)
    }

    func makeOptimizer(for model: ResNet) -> any Optimizer {
        let parameters = trainableParameters(of: model)
        switch optimizer {
        case "adam": return Adam(parameters: parameters, learningRate: learningRate, weightDecay: weightDecay)
        case "adamw": return Adam.adamW(parameters: parameters, learningRate: learningRate, weightDecay: weightDecay)
        default:
            return SGD(parameters: parameters, learningRate: learningRate, momentum: momentum,
                       weightDecay: weightDecay, nesterov: nesterov)
        }
    }

    func makeSchedule(stepsPerEpoch: Int) -> any LearningRateSchedule {
        let period = decaySteps > 0 ? decaySteps : max(stepsPerEpoch, 1)
        switch schedule {
        case "step": return StepDecay(initial: learningRate, factor: decayRate, stepSize: period)
        case "cosine":
            // A warm-up as long as the run would leave no decay: keep at least the last epoch for it.
            return CosineDecayWithWarmup(peak: learningRate, warmupSteps: min(warmupEpochs, epochs - 1) * stepsPerEpoch,
                                         totalSteps: max(epochs * stepsPerEpoch, 1))
        case "constant": return ExponentialDecay(initial: learningRate, rate: 1, decaySteps: 1)
        default: return ExponentialDecay(initial: learningRate, rate: decayRate, decaySteps: period, staircase: staircase)
        }
    }
}
