import Foundation
import Autodiff
import Dataset
import Imaging
import NN
import Tensor

/// Loss, accuracy and membership probabilities of a model over a sample set, in evaluation mode, without
/// recording gradients. With several augmentations the class probabilities are averaged over them
/// (test-time augmentation) and their spread is kept as an uncertainty.
public struct Predictions: Sendable {
    public var ids: [String]
    public var labels: [Int]
    /// Probability of class 1 (member), averaged over the augmentations.
    public var memberProbability: [Double]
    /// Standard deviation of that probability across the augmentations (0 with one).
    public var spread: [Double]
    /// Mean cross-entropy of the averaged probabilities.
    public var loss: Double
    /// Raw logits (before any temperature) averaged over the augmentations, one row per object: what
    /// temperature scaling is fitted on.
    public var logits: [[Double]] = []

    public init(ids: [String], labels: [Int], memberProbability: [Double], spread: [Double], loss: Double,
                logits: [[Double]] = []) {
        self.ids = ids
        self.labels = labels
        self.memberProbability = memberProbability
        self.spread = spread
        self.loss = loss
        self.logits = logits
    }

    public func predictedLabels(threshold: Double = 0.5) -> [Int] {
        memberProbability.map { $0 >= threshold ? 1 : 0 }
    }

    public func accuracy(threshold: Double = 0.5) -> Double {
        guard !labels.isEmpty else { return 0 }
        let hits = zip(predictedLabels(threshold: threshold), labels).filter { $0 == $1 }.count
        return Double(hits) / Double(labels.count)
    }
}

public func predict(_ model: any Classifier, on samples: SampleSet, preprocessing: Preprocessing,
                    augmentations: [Augmentation] = [.identity], batchSize: Int = 32,
                    temperature: Double = 1, progress: ProgressBar? = nil) throws -> Predictions {
    precondition(temperature > 0 && temperature.isFinite, "predict: temperature must be positive, got \(temperature)")
    model.eval()
    defer { model.train() }
    var sums = [Double](repeating: 0, count: samples.count)
    var squares = [Double](repeating: 0, count: samples.count)
    var logitSums = [[Double]](repeating: [], count: samples.count)
    let labels = samples.labels
    for (a, augmentation) in augmentations.enumerated() {
        let loader = BatchPrefetcher(labels: labels, batchSize: batchSize, seed: nil) { i in
            try samples.load(i, augmentation)
        }
        var done = 0
        while let batch = try loader.next() {
            let logits = try withNoGrad { try model(Variable(preprocessing.normalise(batch.images))) }.value
            let probabilities = try (temperature == 1 ? logits : logits.scaled(by: Float(1 / temperature))).softmax()
            let k = logits.shape[1]
            for (row, item) in batch.items.enumerated() {
                let z = (0..<k).map { Double(logits.scalars[row * k + $0]) }
                logitSums[item] = logitSums[item].isEmpty ? z : zip(logitSums[item], z).map(+)
                let p = Double(probabilities[row, 1])
                sums[item] += p
                squares[item] += p * p
            }
            done += batch.items.count
            progress?.update(done: a * samples.count + done)
        }
    }
    let k = Double(augmentations.count)
    let mean = sums.map { $0 / k }
    let spread = zip(squares, mean).map { max(0, $0 / k - $1 * $1).squareRoot() }
    return Predictions(ids: samples.ids, labels: labels, memberProbability: mean, spread: spread,
                       loss: meanLogLoss(mean, labels: labels), logits: logitSums.map { $0.map { $0 / k } })
}

/// Mean cross-entropy of membership probabilities against labels 0/1 (0 for no objects).
public func meanLogLoss(_ memberProbability: [Double], labels: [Int]) -> Double {
    guard !labels.isEmpty else { return 0 }
    var loss = 0.0
    for (p, y) in zip(memberProbability, labels) { loss -= log(max(y == 1 ? p : 1 - p, 1e-12)) }
    return loss / Double(labels.count)
}
