import Astro
import Autodiff
import Dataset
import Foundation
import Imaging
import NN
import Runs
import Tensor
import Training

/// Predicts one shard's rows in flushes of `flushRows`: each flush runs the network (or every network of an
/// ensemble, probabilities averaged) over the flush's cutouts in batches, appends one output row per input row, and
/// records the progress. Memory holds one flush, whatever the input's length.
public struct ShardPrediction {
    /// A run of the ensemble and the temperature its logits are divided by (its `calibration.json`, or 1).
    public struct Member {
        public var trained: TrainedModel
        public var temperature: Double
        public init(trained: TrainedModel, temperature: Double = 1) {
            precondition(temperature > 0 && temperature.isFinite, "ShardPrediction: temperature must be positive")
            self.trained = trained
            self.temperature = temperature
        }
    }

    public var members: [Member]
    /// The classes every member tells apart (label order).
    public var classNames: [String] { members[0].trained.configuration.classes }
    public var augmentations: [Augmentation] = [.identity]
    public var batchSize = 64
    public var flushRows = 1024
    public var threshold = 0.5
    /// The arithmetic of the networks' convolutions; int8 needs `calibrateInt8(on:)` first.
    public var precision = InferencePrecision.fp32
    /// Called after every flush with the progress so far.
    public var report: ((ShardProgress) -> Void)?

    public init(trained: TrainedModel, temperature: Double = 1) {
        members = [Member(trained: trained, temperature: temperature)]
    }

    /// An ensemble: its members must tell the same classes apart, in the same order.
    public init(members: [Member]) throws {
        precondition(!members.isEmpty, "ShardPrediction: no runs")
        let classes = members[0].trained.configuration.classes
        if let other = members.first(where: { $0.trained.configuration.classes != classes }) {
            throw ShardError("an ensemble's runs must tell the same classes apart: \(members[0].trained.checkpoint.deletingLastPathComponent().path) has \(classes.joined(separator: ", ")), \(other.trained.checkpoint.deletingLastPathComponent().path) has \(other.trained.configuration.classes.joined(separator: ", "))")
        }
        self.members = members
    }

    /// Calibrates every network for int8 on (up to 256 of) `objects`' cutouts: images like the ones to predict,
    /// e.g. the run's validation split.
    public func calibrateInt8(on objects: [PreparedObject]) throws {
        for member in members {
            let samples = SampleSet(objects: objects, preprocessing: member.trained.preprocessing)
            try Training.calibrateInt8(member.trained.model, on: samples, preprocessing: member.trained.preprocessing,
                                       batchSize: batchSize)
        }
    }

    /// Runs `source` (which must start at `output.progress.nextRow`) to its end, appending to `output`.
    @discardableResult
    public func run(_ source: PredictionRowSource, into output: ShardOutput) throws -> ShardProgress {
        guard !output.isFinished else { return output.progress }
        precondition(batchSize > 0 && flushRows > 0, "ShardPrediction: batch and flush sizes must be positive")
        // A flush holds a whole number of batches of cutouts, so every batch but the shard's last is full (see
        // `probabilities`); rows without a cutout ride along, up to a limit.
        let cutoutsPerFlush = (flushRows + batchSize - 1) / batchSize * batchSize
        var flush: [PredictionRow] = []
        var cutouts = 0
        while let row = try source.next() {
            flush.append(row)
            if row.problem == nil { cutouts += 1 }
            if cutouts == cutoutsPerFlush || flush.count >= 4 * cutoutsPerFlush {
                try write(flush, to: output)
                flush.removeAll(keepingCapacity: true)
                cutouts = 0
            }
        }
        if !flush.isEmpty { try write(flush, to: output) }
        try output.finish(inputRows: source.rowsRead)
        return output.progress
    }

    private func write(_ rows: [PredictionRow], to output: ShardOutput) throws {
        let wanted = rows.indices.filter { rows[$0].problem == nil }
        let objects = wanted.map { rows[$0].object }
        // A cutout that does not decode is recorded against its row, not fatal: a blank stands in for it.
        let failures = FailureLog()
        // Position in the flush -> the ensemble's class probabilities and spread, for the rows the networks saw: each
        // member's probabilities (its catalogue model combined in), then `ensemble`'s mean and spread over members
        // and augmentations.
        var predictedAt: [Int: (probabilities: [Double], spread: Double)] = [:]
        if !objects.isEmpty {
            var predicted: [Predictions] = []
            for member in members {
                let preprocessing = member.trained.preprocessing
                let base = SampleSet(objects: objects, preprocessing: preprocessing)
                let guarded = SampleSet(ids: base.ids, labels: base.labels) { i, augmentation in
                    do { return try base.load(i, augmentation) } catch {
                        failures.record(i, "\(error)")
                        return Image(width: preprocessing.inputSize, height: preprocessing.inputSize,
                                     channels: preprocessing.inputChannels)
                    }
                }
                let p = try probabilities(guarded, member)
                let network = Predictions(ids: base.ids, labels: base.labels, memberProbability: p.map { $0.mean[1] },
                                          spread: p.map(\.spread), loss: 0,
                                          probabilities: classNames.count > 2 ? p.map(\.mean) : nil)
                predicted.append(member.trained.catalogueModel?.apply(to: network, objects: objects) ?? network)
            }
            let combined = try ensemble(predicted)
            for (j, i) in wanted.enumerated() { predictedAt[i] = (combined.probabilities[j], combined.spread[j]) }
        }
        var problems: [Int: RowProblem] = [:]
        for (k, message) in failures.all { problems[wanted[k]] = .unreadableImage(message) }
        let noPrediction = String(repeating: ",", count: classNames.count > 2 ? classNames.count + 1 : 2)
        func number(_ x: Double) -> String { String(format: "%.6f", x) }
        var text = ""
        var predicted = 0
        for (i, row) in rows.enumerated() {
            text += "\(row.row),\(csvField(row.id)),\(row.ra.map { "\($0)" } ?? ""),\(row.dec.map { "\($0)" } ?? ""),"
            if let problem = row.problem ?? problems[i] {
                text += "\(noPrediction),\(problem.status),\(csvField(problem.message))\n"
                continue
            }
            let (p, spread) = predictedAt[i]!
            predicted += 1
            if classNames.count > 2 {
                text += "\(csvField(classNames[mostProbable(p)])),\(number(spread)),\(p.map(number).joined(separator: ",")),ok,\n"
            } else {
                text += "\(number(p[1])),\(number(spread)),\(p[1] >= threshold ? 1 : 0),ok,\n"
            }
        }
        try output.append(text, rows: rows.count, predicted: predicted, nextRow: rows.last!.row + 1)
        report?(output.progress)
    }
}

extension ShardPrediction {
    /// Every class's probability (mean over the augmentations) of each sample, with the spread of the membership
    /// probability (two classes) or of the most probable class's (more), batch by batch.
    /// Every batch has exactly `batchSize` images (a short one is padded with blanks whose results are dropped):
    /// the engine keeps memory per batch shape it has seen, so batches of every size from 1 to 64 would raise a
    /// shard's resident memory by tens of MB per size (measured: 92 MB with one shape, 190+ MB with a few).
    /// Not `predict(...)`, whose batch sizes follow the sample count.
    func probabilities(_ samples: SampleSet, _ member: Member) throws -> [(mean: [Double], spread: Double)] {
        let model = member.trained.model, preprocessing = member.trained.preprocessing
        let classes = classNames.count
        model.eval()
        defer { model.train() }
        var sums = [[Double]](repeating: [Double](repeating: 0, count: classes), count: samples.count)
        var squares = sums
        for augmentation in augmentations {
            for start in stride(from: 0, to: samples.count, by: batchSize) {
                let items = start..<min(start + batchSize, samples.count)
                let images = try loadImages(items.count) { try samples.load(items.lowerBound + $0, augmentation) }
                    .map { try $0.get() }
                let batch = try preprocessing.batch(images.padded(to: batchSize))
                let logits = try EngineOptions.$precision.withValue(precision) {
                    try withNoGrad { try model(Variable(batch)) }
                }.value
                let p = try (member.temperature == 1 ? logits : logits.scaled(by: Float(1 / member.temperature))).softmax()
                for (row, item) in items.enumerated() {
                    for c in 0..<classes {
                        let q = Double(p[row, c])
                        sums[item][c] += q
                        squares[item][c] += q * q
                    }
                }
            }
        }
        let k = Double(augmentations.count)
        return zip(sums, squares).map { sum, square in
            let mean = sum.map { $0 / k }
            let c = classes > 2 ? mostProbable(mean) : 1
            return (mean, max(0, square[c] / k - mean[c] * mean[c]).squareRoot())
        }
    }
}

/// Items whose image failed to load, from the engine's threads.
private final class FailureLog: @unchecked Sendable {
    private let lock = NSLock()
    private var failures: [Int: String] = [:]

    func record(_ item: Int, _ message: String) {
        lock.lock()
        failures[item] = message
        lock.unlock()
    }

    var all: [Int: String] {
        lock.lock()
        defer { lock.unlock() }
        return failures
    }
}
