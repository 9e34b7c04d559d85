import Dataset
import Foundation
import NN
import Training

/// A trained network read back from a run folder, with the preprocessing it was trained with.
public struct TrainedModel {
    /// A `ResNet` or a `VisionTransformer` (cast for what only one of them has, such as Grad-CAM).
    public var model: any Classifier
    public var preprocessing: Preprocessing
    public var configuration: TrainingConfiguration
    public var checkpoint: URL
    /// The run's catalogue model (`catalogue-model.json`), when it has one.
    public var catalogueModel: CatalogueModel?

    /// Loads `best.safetensors` (or `last.safetensors` with `last: true`) from a run folder.
    public static func load(run: RunFolder, last: Bool = false) throws -> TrainedModel {
        let configuration = try TrainingConfiguration.load(
            yaml: String(contentsOf: run.configuration, encoding: .utf8), source: run.configuration.path)
        let checkpoint = last ? run.lastCheckpoint : run.bestCheckpoint
        guard FileManager.default.fileExists(atPath: checkpoint.path) else {
            throw ConfigurationError(message: "\(checkpoint.path) does not exist; has the run finished an epoch?")
        }
        let file = try SafeTensors(contentsOf: checkpoint)
        let model = try loadClassifier(file, source: checkpoint.path)
        return TrainedModel(model: model, preprocessing: try Preprocessing(metadata: file.metadata, source: checkpoint.path),
                            configuration: configuration, checkpoint: checkpoint,
                            catalogueModel: try CatalogueModel.load(run: run))
    }

    /// The classes a run tells apart, from its config.yaml (background and member for a run made before classes were
    /// recorded).
    public static func classes(run url: URL) throws -> [String] {
        let folder = try RunFolder.open(url)
        return try TrainingConfiguration.load(yaml: String(contentsOf: folder.configuration, encoding: .utf8),
                                              source: folder.configuration.path).classes
    }
}
