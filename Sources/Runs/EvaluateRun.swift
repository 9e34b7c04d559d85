import Dataset
import Evaluation
import Foundation
import Training

/// Predicts and judges in one step.
public func evaluateRun(_ trained: TrainedModel, on objects: [PreparedObject], reference: [PreparedObject],
                 tta: Bool, threshold: Double = 0.5) throws -> RunEvaluation {
    let samples = SampleSet(objects: objects, preprocessing: trained.preprocessing)
    var predictions = try predict(trained.model, on: samples, preprocessing: trained.preprocessing,
                                  augmentations: tta ? AugmentationPlan.study().augmentations : [.identity])
    if let catalogue = trained.catalogueModel, predictions.classCount == 2 { predictions = catalogue.apply(to: predictions, objects: objects) }
    return try RunEvaluation(predictions: predictions, objects: objects, reference: reference, threshold: threshold,
                             classNames: trained.configuration.classes)
}

/// ECE and mean spread of the probabilities an evaluation used.
public func calibrationSummary(_ p: Predictions) -> String {
    let ece = (try? p.calibration().expectedCalibrationError).map { String(format: "%.4f", $0) } ?? "n/a"
    let spread = p.spread.isEmpty ? 0 : p.spread.reduce(0, +) / Double(p.spread.count)
    return String(format: "expected calibration error (10 bins) %@, log loss %.4f, mean spread %.4f", ece, p.loss, spread)
}
