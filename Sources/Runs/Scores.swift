import Dataset
import Evaluation
import Training

/// The figures a study table reports for one evaluation: accuracy, balanced accuracy, member precision, recall
/// and F1, and ROC AUC of the membership probability.
public struct Scores: Sendable, Codable, Equatable {
    public var count: Int
    public var members: Int
    public var accuracy: Double
    public var balancedAccuracy: Double
    public var memberPrecision: Double
    public var memberRecall: Double
    public var memberF1: Double
    /// Nil when only one class is present.
    public var rocAUC: Double?

    public init(_ predictions: Predictions, threshold: Double = 0.5, subset: [Int]? = nil) throws {
        let indices = subset ?? Array(predictions.labels.indices)
        let truth = indices.map { predictions.labels[$0] }
        let probability = indices.map { predictions.memberProbability[$0] }
        let confusion = try ConfusionMatrix(truth: truth, predicted: probability.map { $0 >= threshold ? 1 : 0 })
        count = truth.count
        members = truth.filter { $0 == 1 }.count
        accuracy = confusion.accuracy
        balancedAccuracy = confusion.balancedAccuracy
        memberPrecision = confusion.precision(1)
        memberRecall = confusion.recall(1)
        memberF1 = confusion.f1(1)
        rocAUC = members > 0 && members < count ? try Evaluation.rocAUC(scores: probability, labels: truth) : nil
    }

    public static let names = ["accuracy", "balanced accuracy", "member precision", "member recall", "member F1", "ROC AUC"]

    public var values: [Double?] { [accuracy, balancedAccuracy, memberPrecision, memberRecall, memberF1, rocAUC] }
}
