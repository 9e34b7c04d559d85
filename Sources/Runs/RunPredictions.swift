import Dataset
import Foundation
import Autodiff
import Tensor
import Training

/// Predictions of one run or an ensemble of runs on prepared objects: each run's own temperature applied
/// (`calibration.json`) unless `calibrated` is false, test-time augmentation over the study's 16 rotations if
/// asked, each run's catalogue model combined in unless `catalogue` is false (its combiner was fitted on the
/// network's own probabilities, so the temperature is then left out), probabilities averaged over the runs with the
/// spread over runs and augmentations. `networkAlone` is what the same runs give without their catalogue models,
/// when any was combined in (its network pass is reused unless a temperature then applies); `notes` says what was
/// applied, one line per run.
/// The networks run in `precision`; int8 calibrates each on `calibration`'s cutouts first.
public func predictRuns(_ runs: [String], objects: [PreparedObject], tta: Bool, calibrated: Bool, catalogue: Bool = true,
                        last: Bool = false, progress: Bool = false, precision: InferencePrecision = .fp32,
                        calibration calibrationObjects: [PreparedObject] = []) throws
    -> (predictions: Predictions, networkAlone: Predictions?, notes: [String]) {
    guard !runs.isEmpty else { throw ConfigurationError(message: "give at least one --run") }
    var members: [Predictions] = [], alone: [Predictions] = [], notes: [String] = []
    var anyCombined = false
    let augmentations = tta ? AugmentationPlan.study().augmentations : [.identity]
    for path in runs {
        let trained = try TrainedModel.load(path, last: last)
        let combined = catalogue ? trained.catalogueModel : nil
        let calibration = try RunCalibration.forPrediction(trained: trained, calibrated: calibrated, catalogueModel: catalogue)
        if let calibration, calibration.checkpoint != trained.checkpoint.lastPathComponent {
            notes.append("\(path): warning: calibration.json was fitted on \(calibration.checkpoint), not \(trained.checkpoint.lastPathComponent)")
        }
        let samples = SampleSet(objects: objects, preprocessing: trained.preprocessing)
        try trained.check(precision: precision)
        if precision == .int8 {
            try calibrateInt8(trained.model, on: SampleSet(objects: calibrationObjects, preprocessing: trained.preprocessing),
                              preprocessing: trained.preprocessing, batchSize: 32)
        }
        func network(temperature: Double) throws -> Predictions {
            let bar = progress ? ProgressBar(total: objects.count * augmentations.count, label: "predict \(URL(fileURLWithPath: path).lastPathComponent)") : nil
            defer { bar?.finish() }
            return try EngineOptions.$precision.withValue(precision) {
                try predict(trained.model, on: samples, preprocessing: trained.preprocessing,
                            augmentations: augmentations, temperature: temperature, progress: bar)
            }
        }
        var predicted = try network(temperature: calibration?.temperature ?? 1)
        if let combined {
            anyCombined = true
            // Alone, the network gets the temperature the combiner left out.
            let aloneTemperature = try RunCalibration.forPrediction(trained: trained, calibrated: calibrated,
                                                                    catalogueModel: false)?.temperature
            alone.append(try aloneTemperature.map { try network(temperature: $0) } ?? predicted)
            predicted = combined.apply(to: predicted, objects: objects)
            notes.append("\(path): catalogue model combined in for \(combined.covered(objects)) of \(objects.count) objects (the rest: the network alone)")
        } else {
            alone.append(predicted)
        }
        members.append(predicted)
        notes.append("\(path): \(trained.checkpoint.lastPathComponent), "
                     + (calibration.map { String(format: "temperature %.3f (calibration.json)", $0.temperature) }
                        ?? (combined != nil ? "no temperature (the catalogue model's combiner sets the scale)"
                            : calibrated ? "uncalibrated (no calibration.json)" : "uncalibrated (--no-calibration)")))
    }
    return (try ensemble(members), anyCombined ? try ensemble(alone) : nil, notes)
}
