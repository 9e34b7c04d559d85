import Autodiff
import Dataset
import Files
import Foundation
import Imaging
import NN
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
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for (split, samples) in [("train", training), ("validation", validation)] {
            for (id, label) in zip(samples.ids, samples.labels) {
                for byte in "\(split)\t\(id)\t\(label)\n".utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            }
        }
        return "\(training.count)+\(validation.count) objects, fnv1a \(String(hash, radix: 16))"
    }

    public func fit(resume: Bool = false) throws -> TrainingOutcome {
        let config = configuration
        if config.threads > 0 { Parallel.setThreadCount(config.threads) }
        guard training.count > 0, validation.count > 0 else {
            throw ConfigurationError(message:
                "training needs objects in both splits (train \(training.count), validation \(validation.count))")
        }
        let model = try config.makeModel()
        let auxiliary = try config.auxiliaryWeight > 0 ? AuxiliaryTarget(training: training, model: model, seed: config.seed) : nil
        let optimizer = config.makeOptimizer(for: model, extra: auxiliary?.parameters ?? [])
        let stepsPerEpoch = (epochItems(1).count + config.batchSize - 1) / config.batchSize
        let schedule = config.makeSchedule(stepsPerEpoch: stepsPerEpoch)

        var state = ResumeState(configuration: config, data: dataFingerprint)
        let preprocessing: Preprocessing
        var kept: [String: [String: StateTensor]] = [:]  // a resume file's average and auxiliary head
        if resume {
            let removed = run.removeStaleTemporaries()
            if !removed.isEmpty { report("removed \(removed.count) unfinished temporary file(s) of the killed run") }
        }
        if resume, FileManager.default.fileExists(atPath: run.resumeState.path) {
            let saved = try ResumeState.load(run.resumeState, into: model, optimizer: optimizer)
            let conflicts = saved.state.conflicts(with: config, data: dataFingerprint)
            guard conflicts.isEmpty else {
                throw ConfigurationError(message: "\(run.resumeState.path) belongs to a run with other settings; "
                    + "resuming cannot change \(conflicts.joined(separator: ", ")). Resume with the run's own settings, or start a new run")
            }
            state = saved.state
            preprocessing = saved.preprocessing
            kept = saved.extra
            try auxiliary?.head.loadStateDict(kept["auxiliary"] ?? [:], source: run.resumeState.path)
            report("resuming after epoch \(state.epoch) (best validation loss \(fmt(state.bestValidationLoss)) at epoch \(state.bestEpoch))")
        } else {
            // A fresh start (also a resume killed before its first commit): the resume file, once written, holds
            // the weights, so `initFrom` is applied only here.
            for line in try config.applyInitialWeights(to: model) { report(line) }
            preprocessing = try Preprocessing.measure(on: training, inputSize: config.inputSize, grey: config.grey,
                                                      channels: config.inputChannels, stretch: config.stretch == .asinh)
        }
        var average = config.emaDecay > 0 ? WeightAverage(of: model, decay: config.emaDecay, state: kept["average"]) : nil
        var metadata = model.metadata
        metadata[Preprocessing.metadataKey] = preprocessing.metadataValue
        // Validation and the checkpoints see the averaged weights when the run keeps an average.
        func averaged<T>(_ body: () throws -> T) throws -> T { try average?.applied(to: model, body) ?? body() }
        func save(_ checkpoint: URL, epoch: Int) throws {
            try averaged { try model.save(to: checkpoint, metadata: metadata.merging(["perseus.epoch": String(epoch)]) { $1 }) }
        }
        /// What follows from the resume file: the last checkpoint and the metrics table.
        func writeDerivedFiles() throws {
            try save(run.lastCheckpoint, epoch: state.epoch)
            try AtomicFile.write(Data(EpochMetrics.csv(state.metrics).utf8), to: run.metrics)
        }
        // A kill after the last commit but before the files it implies were rewritten leaves them an epoch behind.
        if resume, state.epoch > 0 { try writeDerivedFiles() }

        if let auxiliary { report("auxiliary target: \(auxiliary.classes.count) catalogue classes, loss weight \(config.auxiliaryWeight)") }
        report("training \(config.model.rawValue) on \(training.count) objects (\(stepsPerEpoch) steps of \(config.batchSize) per epoch), validating on \(validation.count)")
        while state.epoch < config.epochs, !state.isStopped(patience: config.patience) {
            let epoch = state.epoch + 1
            let started = Date()
            let items = epochItems(epoch)
            let samples = training
            let loader = BatchPrefetcher(labels: items.map { samples.labels[$0.object] }, batchSize: config.batchSize,
                                         seed: config.seed &+ UInt64(epoch) &* 7919,
                                         // Batch norm cannot train on a batch of one: leave such a remainder out.
                                         dropLast: items.count % config.batchSize == 1) { i in
                try samples.load(items[i].object, items[i].augmentation)
            }
            let bar = showProgressBar ? ProgressBar(total: items.count, label: "epoch \(epoch)/\(config.epochs)") : nil
            var lossSum = 0.0, hits = 0, seen = 0
            model.train()
            let frozen = config.freezeBackbone ? model as? ResNet : nil  // validate() allows freezing ResNets only
            frozen?.freezeBackboneStatistics()
            while let batch = try loader.next() {
                optimizer.learningRate = schedule.learningRate(atStep: state.step)
                let input = try Variable(preprocessing.normalise(batch.images))
                var logits: Variable, auxiliaryLoss: Variable?
                if let auxiliary {
                    (logits, auxiliaryLoss) = try auxiliary.forward(input, items: batch.items.map { items[$0].object })
                } else {
                    logits = try frozen.map { try $0.headOnFrozenBackbone(input) } ?? model(input)
                }
                let loss = try softmaxCrossEntropy(logits: logits, labels: batch.labels,
                                                   classWeights: config.classWeights.isEmpty ? nil : config.classWeights,
                                                   labelSmoothing: config.labelSmoothing)
                guard loss.value.scalars[0].isFinite else {
                    throw ConfigurationError(message:
                        "epoch \(epoch) step \(state.step): the loss is \(loss.value.scalars[0]); lower the learning rate")
                }
                optimizer.zeroGrad()
                try (auxiliaryLoss.map { try loss + $0 * config.auxiliaryWeight } ?? loss).backward()
                if config.gradientClipNorm > 0 { _ = clipGradientNorm(optimizer.parameters.map(\.variable), maxNorm: config.gradientClipNorm) }
                try optimizer.step()
                state.step += 1
                average?.update(from: model, step: state.step)
                lossSum += Double(loss.value.scalars[0]) * Double(batch.labels.count)
                for (row, label) in batch.labels.enumerated() where argmax(logits.value, row: row) == label { hits += 1 }
                seen += batch.labels.count
                bar?.update(done: seen, figures: "loss \(fmt(lossSum / Double(seen))) acc \(fmt(Double(hits) / Double(seen)))")
            }
            bar?.finish()
            let checked = try averaged {
                try predict(model, on: validation, preprocessing: preprocessing, batchSize: max(config.batchSize, 32))
            }
            let row = EpochMetrics(epoch: epoch, learningRate: optimizer.learningRate,
                                   trainLoss: lossSum / Double(max(seen, 1)), trainAccuracy: Double(hits) / Double(max(seen, 1)),
                                   validationLoss: checked.loss, validationAccuracy: checked.accuracy(),
                                   seconds: Date().timeIntervalSince(started))
            state.epoch = epoch
            state.metrics.append(row)
            state.configuration = config
            state.data = dataFingerprint
            if row.validationLoss < state.bestValidationLoss {
                state.bestValidationLoss = row.validationLoss
                state.bestEpoch = epoch
                state.epochsWithoutImprovement = 0
                try save(run.bestCheckpoint, epoch: epoch)
            } else {
                state.epochsWithoutImprovement += 1
            }
            // The resume file is the commit point: everything else is derived from it or rewritten after it.
            let extra = ["average": average?.state, "auxiliary": auxiliary.map { Dictionary(uniqueKeysWithValues: $0.head.stateDict()) }]
            try state.save(to: run.resumeState, model: model, optimizer: optimizer, preprocessing: preprocessing,
                           extra: extra.compactMapValues { $0 })
            try writeDerivedFiles()
            report("epoch \(epoch): train loss \(fmt(row.trainLoss)) acc \(fmt(row.trainAccuracy)), validation loss \(fmt(row.validationLoss)) acc \(fmt(row.validationAccuracy)), lr \(fmt(Double(row.learningRate))), \(ProgressBar.duration(row.seconds))")
        }
        let stopped = state.isStopped(patience: config.patience) && state.epoch < config.epochs
        if stopped { report("early stop: no improvement for \(config.patience) epochs; best epoch \(state.bestEpoch)") }
        return TrainingOutcome(epochs: state.metrics, bestEpoch: state.bestEpoch,
                               bestValidationLoss: state.bestValidationLoss, stoppedEarly: stopped)
    }
}

func argmax(_ logits: Tensor, row: Int) -> Int {
    let k = logits.shape[1]
    var best = 0
    for j in 1..<k where logits.scalars[row * k + j] > logits.scalars[row * k + best] { best = j }
    return best
}

func fmt(_ x: Double) -> String { String(format: "%.4f", x) }
