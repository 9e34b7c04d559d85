import Autodiff
import Dataset
import Imaging
import NN
import Tensor

/// Post-training int8 calibration: runs `model` in fp32 over (up to `limit` of) `samples`, unaugmented, in batches
/// of `batchSize`, recording the range of every fused convolution's input; afterwards inference under
/// `EngineOptions.precision = .int8` quantises each input over its range. Calibrate on images like those to be
/// predicted (the run's validation split): an input far outside the range saturates.
public func calibrateInt8(_ model: any Classifier, on samples: SampleSet, preprocessing: Preprocessing,
                          limit: Int = 256, batchSize: Int = 64) throws {
    precondition(batchSize > 0, "calibrateInt8: batch size must be positive")
    guard samples.count > 0 else { throw ConfigurationError(message: "int8 calibration: no images to calibrate on") }
    model.eval()
    defer { model.train() }
    let count = min(limit, samples.count)
    for start in stride(from: 0, to: count, by: batchSize) {
        let images = try (start..<min(start + batchSize, count)).map { try samples.load($0, .identity) }
        // Black padding: no cutout holds darker values, so it widens no range beyond what a cutout could.
        let batch = try preprocessing.batch(images.padded(to: batchSize))
        _ = try EngineOptions.$calibrating.withValue(true) { try withNoGrad { try model(Variable(batch)) } }
    }
}
