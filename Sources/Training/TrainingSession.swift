import Autodiff
import Dataset
import Files
import Foundation
import NN
import Tensor

/// One call of `Trainer.fit`: the network, its optimizer and schedule, what the run has done so far, and the steps
/// of the procedure (start or resume, train and validate an epoch, commit it, stop).
final class TrainingSession {
    let trainer: Trainer
    let config: TrainingConfiguration
    let model: any Classifier
    let auxiliary: AuxiliaryTarget?
    let parameterTarget: ParameterTarget?
    let optimizer: any Optimizer
    let schedule: any LearningRateSchedule
    let stepsPerEpoch: Int
    /// The training and validation objects, hashed once: every commit records it, and a resume must match it.
    let dataFingerprint: String
    var state: ResumeState
    let preprocessing: Preprocessing
    var average: WeightAverage?
    /// Written into every checkpoint: the model's own keys and the preprocessing.
    let metadata: [String: String]
    var run: RunFolder { trainer.run }

    init(_ trainer: Trainer, resume: Bool) throws {
        self.trainer = trainer
        config = trainer.configuration
        model = try config.makeModel()
        auxiliary = try config.auxiliaryWeight > 0 ? AuxiliaryTarget(training: trainer.training, model: model, seed: config.seed) : nil
        parameterTarget = try config.parameterWeight > 0 ? ParameterTarget(training: trainer.training, model: model, seed: config.seed) : nil
        optimizer = config.makeOptimizer(for: model, extra: (auxiliary?.parameters ?? []) + (parameterTarget?.parameters ?? []))
        stepsPerEpoch = (trainer.epochItems(1).count + config.batchSize - 1) / config.batchSize
        schedule = config.makeSchedule(stepsPerEpoch: stepsPerEpoch)
        dataFingerprint = trainer.dataFingerprint
        state = ResumeState(configuration: config, data: dataFingerprint)

        if resume {
            let removed = trainer.run.removeStaleTemporaries()
            if !removed.isEmpty { trainer.report("removed \(removed.count) unfinished temporary file(s) of the killed run") }
        }
        let kept: [String: [String: StateTensor]]  // a resume file's average and auxiliary head
        if resume, FileManager.default.fileExists(atPath: trainer.run.resumeState.path) {
            (preprocessing, kept) = try Self.restore(trainer, data: dataFingerprint, model: model, optimizer: optimizer,
                                                     heads: [("auxiliary", auxiliary?.head), ("parameters", parameterTarget?.head)],
                                                     into: &state)
        } else {
            // A fresh start (also a resume killed before its first commit): the resume file, once written, holds
            // the weights, so `initFrom` is applied only here.
            for line in try config.applyInitialWeights(to: model) { trainer.report(line) }
            preprocessing = try Preprocessing.measure(on: trainer.training, inputSize: config.inputSize, grey: config.grey,
                                                      channels: config.bands, magnitudePlane: config.magnitudeInput,
                                                      stretch: config.stretch == .asinh)
            kept = [:]
        }
        average = config.emaDecay > 0 ? WeightAverage(of: model, decay: config.emaDecay, state: kept["average"]) : nil
        var metadata = model.metadata
        metadata[Preprocessing.metadataKey] = preprocessing.metadataValue
        self.metadata = metadata
        // A kill after the last commit but before the files it implies were rewritten leaves them an epoch behind.
        if resume, state.epoch > 0 { try writeDerivedFiles() }

        if let auxiliary { trainer.report("auxiliary target: \(auxiliary.classes.count) catalogue classes, loss weight \(config.auxiliaryWeight)") }
        if let parameterTarget {
            trainer.report("parameter target: \(parameterTarget.names.count) catalogue parameters (\(parameterTarget.names.joined(separator: ", "))), loss weight \(config.parameterWeight)")
        }
        trainer.report("training \(config.model.rawValue) on \(trainer.training.count) objects (\(stepsPerEpoch) steps of \(config.batchSize) per epoch), validating on \(trainer.validation.count)")
    }

    /// Loads the resume file into the model, optimizer and training-only heads (by the name each is saved under);
    /// refuses one written with other settings.
    private static func restore(_ trainer: Trainer, data: String, model: any Classifier, optimizer: any Optimizer,
                                heads: [(name: String, head: Linear?)], into state: inout ResumeState) throws -> (Preprocessing, [String: [String: StateTensor]]) {
        let run = trainer.run
        let saved = try ResumeState.load(run.resumeState, into: model, optimizer: optimizer)
        let conflicts = saved.state.conflicts(with: trainer.configuration, data: data)
        guard conflicts.isEmpty else {
            throw ConfigurationError(message: "\(run.resumeState.path) belongs to a run with other settings; "
                + "resuming cannot change \(conflicts.joined(separator: ", ")). Resume with the run's own settings, or start a new run")
        }
        state = saved.state
        for (name, head) in heads { try head?.loadStateDict(saved.extra[name] ?? [:], source: run.resumeState.path) }
        trainer.report("resuming after epoch \(state.epoch) (best validation loss \(fmt(state.bestValidationLoss)) at epoch \(state.bestEpoch))")
        return (saved.preprocessing, saved.extra)
    }

    /// Another epoch is due: epochs are left and early stopping has not struck.
    var continues: Bool {
        state.epoch < config.epochs && !state.isStopped(patience: config.patience) && !stepsUsedUp
    }

    /// `maxSteps` is set and the run has taken them.
    var stepsUsedUp: Bool { config.maxSteps > 0 && state.step >= config.maxSteps }

    /// Validation and the checkpoints see the averaged weights when the run keeps an average.
    func averaged<T>(_ body: () throws -> T) throws -> T { try average?.applied(to: model, body) ?? body() }

    func save(_ checkpoint: URL, epoch: Int) throws {
        try averaged { try model.save(to: checkpoint, metadata: metadata.merging(["perseus.epoch": String(epoch)]) { $1 }) }
    }

    /// What follows from the resume file: the last checkpoint and the metrics table.
    func writeDerivedFiles() throws {
        try save(run.lastCheckpoint, epoch: state.epoch)
        try AtomicFile.write(Data(EpochMetrics.csv(state.metrics).utf8), to: run.metrics)
    }

    /// One pass over the epoch's training draws, then the validation pass: the epoch's row of metrics.
    func trainAndValidateEpoch() throws -> EpochMetrics {
        let epoch = state.epoch + 1
        let started = Date()
        let items = trainer.epochItems(epoch)
        let samples = trainer.training
        let loader = BatchLoader(labels: items.map { samples.labels[$0.object] }, batchSize: config.batchSize,
                                     seed: config.seed &+ UInt64(epoch) &* 7919,
                                     // Batch norm cannot train on a batch of one: leave such a remainder out.
                                     dropLast: items.count % config.batchSize == 1) { i in
            try samples.load(items[i].object, items[i].augmentation)
        }
        let bar = trainer.showProgressBar ? ProgressBar(total: items.count, label: "epoch \(epoch)/\(config.epochs)") : nil
        var lossSum = 0.0, hits = 0, seen = 0
        model.train()
        let frozen = config.freezeBackbone ? model as? ResNet : nil  // validate() allows freezing ResNets only
        frozen?.freezeBackboneStatistics()
        (model as? ResNet)?.freezeStatistics(of: Set(config.freezeStages))
        while !stepsUsedUp, let batch = try loader.next() {
            let (loss, logits) = try EngineOptions.$trainingPrecision.withValue(config.precision) {
                try step(batch, objects: batch.items.map { items[$0].object }, frozen: frozen)
            }
            lossSum += Double(loss) * Double(batch.labels.count)
            for (row, label) in batch.labels.enumerated() where argmax(logits, row: row) == label { hits += 1 }
            seen += batch.labels.count
            bar?.update(done: seen, figures: "loss \(fmt(lossSum / Double(seen))) acc \(fmt(Double(hits) / Double(seen)))")
        }
        bar?.finish()
        let checked = try averaged {
            try predict(model, on: trainer.validation, preprocessing: preprocessing, batchSize: max(config.batchSize, 32))
        }
        return EpochMetrics(epoch: epoch, learningRate: optimizer.learningRate,
                            trainLoss: lossSum / Double(max(seen, 1)), trainAccuracy: Double(hits) / Double(max(seen, 1)),
                            validationLoss: checked.loss, validationAccuracy: checked.accuracy(),
                            seconds: Date().timeIntervalSince(started))
    }

    /// One optimizer step on a batch: the loss (with the auxiliary and parameter targets', when there are any),
    /// backward, clipping, the update, and the weight average. Returns the membership loss and the logits.
    private func step(_ batch: Batch, objects: [Int], frozen: ResNet?) throws -> (loss: Float, logits: Tensor) {
        optimizer.learningRate = schedule.learningRate(atStep: state.step)
        let input = try Variable(preprocessing.normalise(batch.images))
        var logits: Variable, extraLoss: Variable? = nil
        if auxiliary != nil || parameterTarget != nil, let resnet = model as? ResNet {
            // The training-only heads read the pooled features the membership head reads.
            let pooled = try resnet.avgpool(resnet.features(input))
            logits = try resnet.fc(pooled)
            let losses = try [auxiliary.map { try $0.loss(pooled: pooled, items: objects) * config.auxiliaryWeight },
                              parameterTarget.map { try $0.loss(pooled: pooled, items: objects) * config.parameterWeight }]
            for term in losses.compactMap({ $0 }) { extraLoss = try extraLoss.map { try $0 + term } ?? term }
        } else {
            logits = try frozen.map { try $0.headOnFrozenBackbone(input) } ?? model(input)
        }
        var loss = try softmaxCrossEntropy(logits: logits, labels: batch.labels,
                                           classWeights: config.classWeights.isEmpty ? nil : config.classWeights,
                                           labelSmoothing: config.labelSmoothing)
        if config.distillationWeight > 0 {
            // Membership: the teacher's [background, member] probabilities, or the label where it has none.
            let member = zip(objects, batch.labels).map { trainer.teacher[$0] ?? Double($1) }
            let targets = Tensor(shape: [member.count, 2], scalars: member.flatMap { [Float(1 - $0), Float($0)] })
            let w = config.distillationWeight
            loss = try loss * (1 - w) + softmaxCrossEntropy(logits: logits, targets: targets) * w
        }
        guard loss.value.scalars[0].isFinite else {
            throw ConfigurationError(message:
                "epoch \(state.epoch + 1) step \(state.step): the loss is \(loss.value.scalars[0]); lower the learning rate")
        }
        optimizer.zeroGrad()
        try (extraLoss.map { try loss + $0 } ?? loss).backward()
        if config.gradientClipNorm > 0 { _ = clipGradientNorm(optimizer.parameters.map(\.variable), maxNorm: config.gradientClipNorm) }
        try optimizer.step()
        state.step += 1
        average?.update(from: model, step: state.step)
        return (loss.value.scalars[0], logits.value)
    }

    /// Records the epoch, keeps the best checkpoint, and commits the whole training state (the resume file), then
    /// rewrites what follows from it.
    func commit(_ row: EpochMetrics) throws {
        state.epoch = row.epoch
        state.metrics.append(row)
        state.configuration = config
        state.data = dataFingerprint
        if row.validationLoss < state.bestValidationLoss {
            state.bestValidationLoss = row.validationLoss
            state.bestEpoch = row.epoch
            state.epochsWithoutImprovement = 0
            try save(run.bestCheckpoint, epoch: row.epoch)
        } else {
            state.epochsWithoutImprovement += 1
        }
        // The resume file is the commit point: everything else is derived from it or rewritten after it.
        let extra = ["average": average?.state, "auxiliary": auxiliary.map { Dictionary(uniqueKeysWithValues: $0.head.stateDict()) },
                     "parameters": parameterTarget.map { Dictionary(uniqueKeysWithValues: $0.head.stateDict()) }]
        try state.save(to: run.resumeState, model: model, optimizer: optimizer, preprocessing: preprocessing,
                       extra: extra.compactMapValues { $0 })
        try writeDerivedFiles()
        trainer.report("epoch \(row.epoch): train loss \(fmt(row.trainLoss)) acc \(fmt(row.trainAccuracy)), validation loss \(fmt(row.validationLoss)) acc \(fmt(row.validationAccuracy)), lr \(fmt(Double(row.learningRate))), \(ProgressBar.duration(row.seconds))")
    }

    /// What the run achieved, after saying so when early stopping ended it.
    func outcome() -> TrainingOutcome {
        let stopped = state.isStopped(patience: config.patience) && state.epoch < config.epochs
        if stopped { trainer.report("early stop: no improvement for \(config.patience) epochs; best epoch \(state.bestEpoch)") }
        return TrainingOutcome(epochs: state.metrics, bestEpoch: state.bestEpoch,
                               bestValidationLoss: state.bestValidationLoss, stoppedEarly: stopped)
    }
}
