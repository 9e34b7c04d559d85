import Dataset
import Files
import Evaluation
import Foundation
import Training

/// A run's fitted temperature (`calibration.json` in the run folder), which `evaluate` and `predict` apply to the
/// logits before the softmax unless told not to, with the figures it was judged by.
public struct RunCalibration: Codable, Equatable, Sendable {
    public var temperature: Double
    /// Split it was fitted on (the validation split) and how many objects that had.
    public var fittedOn: String
    public var objects: Int
    /// Checkpoint file whose logits were calibrated (`best.safetensors` or `last.safetensors`).
    public var checkpoint: String
    public var bins: Int
    /// On the fitting split, before and after: mean negative log-likelihood and expected calibration error.
    public var nllBefore: Double
    public var nllAfter: Double
    public var eceBefore: Double
    public var eceAfter: Double
    /// The same ECE on a held-out split (the test split), when `perseus calibrate` measured one.
    public var heldOutSplit: String?
    public var heldOutECEBefore: Double?
    public var heldOutECEAfter: Double?

    public init(temperature: Double, fittedOn: String, objects: Int, checkpoint: String, bins: Int,
                nllBefore: Double, nllAfter: Double, eceBefore: Double, eceAfter: Double) {
        self.temperature = temperature
        self.fittedOn = fittedOn
        self.objects = objects
        self.checkpoint = checkpoint
        self.bins = bins
        self.nllBefore = nllBefore
        self.nllAfter = nllAfter
        self.eceBefore = eceBefore
        self.eceAfter = eceAfter
    }

    /// Fits the temperature on predictions made without one (their `logits`), e.g. on the validation split.
    public static func fit(_ predictions: Predictions, split: String, checkpoint: String, bins: Int = 10) throws -> RunCalibration {
        guard predictions.logits.count == predictions.labels.count, !predictions.labels.isEmpty else {
            throw ConfigurationError(message: "calibration: need the logits of at least one labelled object")
        }
        let scaling = try TemperatureScaling.fit(logits: predictions.logits, labels: predictions.labels)
        let before = try Calibration(logits: predictions.logits, labels: predictions.labels, binCount: bins)
        let after = try Calibration(probabilities: scaling.probabilities(logits: predictions.logits),
                                    labels: predictions.labels, binCount: bins)
        return RunCalibration(
            temperature: scaling.temperature, fittedOn: split, objects: predictions.labels.count, checkpoint: checkpoint,
            bins: bins, nllBefore: try negativeLogLikelihood(logits: predictions.logits, labels: predictions.labels),
            nllAfter: try negativeLogLikelihood(logits: predictions.logits, labels: predictions.labels,
                                                temperature: scaling.temperature),
            eceBefore: before.expectedCalibrationError, eceAfter: after.expectedCalibrationError)
    }

    /// The calibration a prediction with `trained` divides its logits by (its run's `calibration.json`, or the one
    /// a model file carries): none when calibration is off, or when the run's catalogue model is combined in (its
    /// combiner was fitted on the network's own probabilities).
    public static func forPrediction(trained: TrainedModel, calibrated: Bool, catalogueModel: Bool) throws -> RunCalibration? {
        guard calibrated, !(catalogueModel && trained.catalogueModel != nil) else { return nil }
        return try trained.run.map(load(run:)) ?? trained.fileCalibration
    }

    /// The run's calibration, or nil when it has none.
    public static func load(run: RunFolder) throws -> RunCalibration? {
        let url = run.calibration
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            let value = try JSONDecoder().decode(RunCalibration.self, from: Data(contentsOf: url))
            guard value.temperature > 0, value.temperature.isFinite else {
                throw ConfigurationError(message: "temperature \(value.temperature) is not positive")
            }
            return value
        } catch {
            throw ConfigurationError(message: "\(url.path): not a valid calibration file (\(error)); rerun `perseus calibrate` or delete it")
        }
    }

    public func save(run: RunFolder) throws { try save(to: run.calibration) }

    public func save(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(self), to: url)
    }
}

extension RunFolder {
    /// The fitted temperature (`perseus calibrate`).
    public var calibration: URL { url.appendingPathComponent("calibration.json") }
}

extension Predictions {
    /// Reliability bins and ECE of the class probabilities (top-label confidence).
    public func calibration(bins: Int = 10) throws -> Calibration {
        try Calibration(probabilities: probabilities, labels: labels, binCount: bins)
    }
}

/// The members' membership probabilities averaged object by object (an ensemble over runs, e.g. seeds); the
/// spread is the standard deviation over every (member, augmentation) probability, which by the law of total
/// variance combines each member's own spread with the members' disagreement. Logits are averaged too.
public func ensemble(_ members: [Predictions]) throws -> Predictions {
    guard let first = members.first else { throw ConfigurationError(message: "ensemble: no predictions") }
    if members.count == 1 { return first }
    for (m, p) in members.enumerated() where p.ids != first.ids || p.labels != first.labels {
        throw ConfigurationError(message: "ensemble: member \(m) predicted other objects (\(p.ids.count) vs \(first.ids.count))")
    }
    let k = Double(members.count), n = first.ids.count
    var mean = [Double](repeating: 0, count: n), second = [Double](repeating: 0, count: n)
    for p in members {
        for i in 0..<n {
            mean[i] += p.memberProbability[i] / k
            second[i] += (p.spread[i] * p.spread[i] + p.memberProbability[i] * p.memberProbability[i]) / k
        }
    }
    var spread = (0..<n).map { max(0, second[$0] - mean[$0] * mean[$0]).squareRoot() }
    var probabilities: [[Double]]?
    if first.classCount > 2 {
        // More classes: every class's probability averaged; the spread is that of the predicted class's probability
        // over the members, combined with each member's own spread (of the class it predicted: an approximation).
        let averaged = (0..<n).map { i in (0..<first.classCount).map { c in members.reduce(0) { $0 + $1.probabilities[i][c] } / k } }
        spread = (0..<n).map { i in
            let c = mostProbable(averaged[i])
            let second = members.reduce(0) { $0 + ($1.spread[i] * $1.spread[i] + $1.probabilities[i][c] * $1.probabilities[i][c]) / k }
            return max(0, second - averaged[i][c] * averaged[i][c]).squareRoot()
        }
        probabilities = averaged
    }
    let logits = members.allSatisfy({ $0.logits.count == n })
        ? (0..<n).map { i in
            (0..<first.logits[i].count).map { j in members.reduce(0) { $0 + $1.logits[i][j] } / k }
        }
        : []
    return Predictions(ids: first.ids, labels: first.labels, memberProbability: mean, spread: spread,
                       loss: probabilities.map { meanLogLoss(probabilities: $0, labels: first.labels) }
                           ?? meanLogLoss(mean, labels: first.labels),
                       logits: logits, probabilities: probabilities)
}
