import Dataset
import Files
import Foundation
import Tensor

/// What a finished (or early-stopped) run achieved.
public struct TrainingOutcome: Sendable {
    public var epochs: [EpochMetrics]
    public var bestEpoch: Int
    public var bestValidationLoss: Double
    public var stoppedEarly: Bool
}

/// Trains a network (a ResNet or a vision transformer) as configured: the training objects under the configured augmentation, one validation pass per
/// epoch, early stopping on validation loss that restores the best weights, and a commit of the whole training
/// state after every epoch so `fit(resume: true)` continues a killed run from its last finished epoch.
public final class Trainer {
    public let configuration: TrainingConfiguration
    public let run: RunFolder
    public let training: SampleSet
    public let validation: SampleSet
    /// With `distillationWeight`: each training sample's teacher probability of membership (nil: its label).
    public var teacher: [Double?] = []
    /// Where progress lines go (the CLI prints them and appends them to the run's log).
    public var report: (String) -> Void = { print($0) }
    public var showProgressBar = true

    public init(configuration: TrainingConfiguration, run: RunFolder, training: SampleSet, validation: SampleSet) {
        self.configuration = configuration
        self.run = run
        self.training = training
        self.validation = validation
    }

    /// The items of one epoch: (object, augmentation) pairs, in a fixed order the loader then shuffles.
    func epochItems(_ epoch: Int) -> [(object: Int, augmentation: Augmentation)] {
        let objects = Array(0..<training.count)
        switch configuration.augmentation {
        case .rotations: return AugmentationPlan.study().expand(objects)
        case .online:
            var augmenter = RandomAugmenter(seed: configuration.seed &* 1_000_003 &+ UInt64(epoch), flips: true)
            return objects.map { ($0, augmenter.next()) }
        case .none: return objects.map { ($0, .identity) }
        }
    }

    /// The objects and labels of both splits, hashed (FNV-1a): a resume must see the same ones.
    var dataFingerprint: String {
        var hash = FNV1a()
        for (split, samples) in [("train", training), ("validation", validation)] {
            for (id, label) in zip(samples.ids, samples.labels) { hash.combine("\(split)\t\(id)\t\(label)\n".utf8) }
        }
        return "\(training.count)+\(validation.count) objects, fnv1a \(String(hash.value, radix: 16))"
    }

    public func fit(resume: Bool = false) throws -> TrainingOutcome {
        if configuration.threads > 0 { Parallel.setThreadCount(configuration.threads) }
        guard training.count > 0, validation.count > 0 else {
            throw ConfigurationError(message:
                "training needs objects in both splits (train \(training.count), validation \(validation.count))")
        }
        let session = try TrainingSession(self, resume: resume)
        while session.continues {
            let row = try session.trainAndValidateEpoch()
            try session.commit(row)
        }
        return session.outcome()
    }
}

func argmax(_ logits: Tensor, row: Int) -> Int {
    let k = logits.shape[1]
    var best = 0
    for j in 1..<k where logits.scalars[row * k + j] > logits.scalars[row * k + best] { best = j }
    return best
}

func fmt(_ x: Double) -> String { String(format: "%.4f", x) }
