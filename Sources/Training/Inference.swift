import Foundation
import Autodiff
import Dataset
import Imaging
import NN
import Tensor

/// Loss, accuracy and class probabilities of a model over a sample set, in evaluation mode, without
/// recording gradients. With several augmentations the class probabilities are averaged over them
/// (test-time augmentation) and their spread is kept as an uncertainty. Two classes are membership: class 1 is
/// member, and an object is called a member when its probability reaches a threshold; with more classes the most
/// probable class is the prediction.
public struct Predictions: Sendable {
    public var ids: [String]
    public var labels: [Int]
    /// Probability of class 1 (member), averaged over the augmentations.
    public var memberProbability: [Double]
    /// Every class's probability, averaged over the augmentations, one row per object (`[1 - p, p]` for two classes).
    public var probabilities: [[Double]]
    /// Standard deviation across the augmentations (0 with one) of the membership probability, or with more than two
    /// classes of the predicted class's probability.
    public var spread: [Double]
    /// Mean cross-entropy of the averaged probabilities.
    public var loss: Double
    /// Raw logits (before any temperature) averaged over the augmentations, one row per object: what
    /// temperature scaling is fitted on.
    public var logits: [[Double]] = []

    public init(ids: [String], labels: [Int], memberProbability: [Double], spread: [Double], loss: Double,
                logits: [[Double]] = [], probabilities: [[Double]]? = nil) {
        self.ids = ids
        self.labels = labels
        self.memberProbability = memberProbability
        self.probabilities = probabilities ?? memberProbability.map { [1 - $0, $0] }
        self.spread = spread
        self.loss = loss
        self.logits = logits
    }

    /// Classes the probabilities are over (2 when there are no objects to tell).
    public var classCount: Int { probabilities.first?.count ?? 2 }

    /// Two classes: member at or above `threshold`; more: the most probable class (the threshold does not apply).
    public func predictedLabels(threshold: Double = 0.5) -> [Int] {
        guard classCount > 2 else { return memberProbability.map { $0 >= threshold ? 1 : 0 } }
        return probabilities.map(mostProbable)
    }

    /// Sets the membership probability of object `i` (two classes), keeping `probabilities` in step.
    public mutating func setMemberProbability(_ p: Double, at i: Int) {
        memberProbability[i] = p
        probabilities[i] = [1 - p, p]
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
    var sums = [[Double]](repeating: [], count: samples.count)
    var squares = [[Double]](repeating: [], count: samples.count)
    var logitSums = [[Double]](repeating: [], count: samples.count)
    let labels = samples.labels
    for (a, augmentation) in augmentations.enumerated() {
        let loader = BatchLoader(labels: labels, batchSize: batchSize, seed: nil) { i in
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
                let p = (0..<k).map { Double(probabilities[row, $0]) }
                sums[item] = sums[item].isEmpty ? p : zip(sums[item], p).map(+)
                squares[item] = squares[item].isEmpty ? p.map { $0 * $0 } : zip(squares[item], p).map { $0 + $1 * $1 }
            }
            done += batch.items.count
            progress?.update(done: a * samples.count + done)
        }
    }
    let k = Double(augmentations.count)
    let mean = sums.map { $0.map { $0 / k } }
    let classes = mean.first?.count ?? 2
    // The spread of the membership probability, or with more classes of the predicted class's.
    let spread = mean.indices.map { i -> Double in
        let c = classes > 2 ? mostProbable(mean[i]) : 1
        return max(0, squares[i][c] / k - mean[i][c] * mean[i][c]).squareRoot()
    }
    let member = mean.map { $0.count > 1 ? $0[1] : 0 }
    let loss = classes > 2 ? meanLogLoss(probabilities: mean, labels: labels) : meanLogLoss(member, labels: labels)
    return Predictions(ids: samples.ids, labels: labels, memberProbability: member, spread: spread,
                       loss: loss, logits: logitSums.map { $0.map { $0 / k } },
                       probabilities: classes > 2 ? mean : nil)
}

/// The index of the largest probability (the first when tied).
public func mostProbable(_ p: [Double]) -> Int {
    p.indices.max { p[$0] < p[$1] || (p[$0] == p[$1] && $0 > $1) } ?? 0
}

/// Mean cross-entropy of class probabilities (one row per object) against labels (0 for no objects).
public func meanLogLoss(probabilities: [[Double]], labels: [Int]) -> Double {
    guard !labels.isEmpty else { return 0 }
    return zip(probabilities, labels).reduce(0) { $0 - log(max($1.0[$1.1], 1e-12)) } / Double(labels.count)
}

/// Mean cross-entropy of membership probabilities against labels 0/1 (0 for no objects).
public func meanLogLoss(_ memberProbability: [Double], labels: [Int]) -> Double {
    guard !labels.isEmpty else { return 0 }
    var loss = 0.0
    for (p, y) in zip(memberProbability, labels) { loss -= log(max(y == 1 ? p : 1 - p, 1e-12)) }
    return loss / Double(labels.count)
}
