import Dataset
import Foundation

/// One row of a run's `metrics.csv`.
public struct EpochMetrics: Codable, Equatable, Sendable {
    public var epoch: Int
    public var learningRate: Float
    public var trainLoss: Double
    public var trainAccuracy: Double
    public var validationLoss: Double
    public var validationAccuracy: Double
    public var seconds: Double

    public init(epoch: Int, learningRate: Float, trainLoss: Double, trainAccuracy: Double,
                validationLoss: Double, validationAccuracy: Double, seconds: Double) {
        self.epoch = epoch
        self.learningRate = learningRate
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
        self.seconds = seconds
    }

    static let header = "epoch,learning_rate,train_loss,train_accuracy,validation_loss,validation_accuracy,seconds"

    var csvRow: String {
        "\(epoch),\(learningRate),\(trainLoss),\(trainAccuracy),\(validationLoss),\(validationAccuracy),\(seconds)"
    }

    /// The whole metrics file for these epochs.
    public static func csv(_ epochs: [EpochMetrics]) -> String {
        ([header] + epochs.map(\.csvRow)).joined(separator: "\n") + "\n"
    }

    /// Parses a metrics file written by `csv(_:)`.
    public static func parse(csv text: String, source: String) throws -> [EpochMetrics] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard lines.first.map(String.init) == header else {
            throw ConfigurationError(message: "\(source): not a Perseus metrics file (header differs)")
        }
        return try lines.dropFirst().enumerated().map { index, line in
            let f = line.split(separator: ",").map(String.init)
            guard f.count == 7, let epoch = Int(f[0]), let lr = Float(f[1]), let tl = Double(f[2]),
                  let ta = Double(f[3]), let vl = Double(f[4]), let va = Double(f[5]), let s = Double(f[6])
            else { throw ConfigurationError(message: "\(source): line \(index + 2) is malformed: \(line)") }
            return EpochMetrics(epoch: epoch, learningRate: lr, trainLoss: tl, trainAccuracy: ta,
                                validationLoss: vl, validationAccuracy: va, seconds: s)
        }
    }
}
