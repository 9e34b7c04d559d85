import Dataset
import Foundation
import Tensor
import NN
import Training

/// A trained network read back from a run folder or a model file (a shipped model, `perseus models`), with the
/// preprocessing, classes and temperature it predicts with.
public struct TrainedModel {
    /// A `ResNet` or a `VisionTransformer` (cast for what only one of them has, such as Grad-CAM).
    public var model: any Classifier
    public var preprocessing: Preprocessing
    public var configuration: TrainingConfiguration
    /// The weights file: the run's best or last checkpoint, or the model file.
    public var checkpoint: URL
    /// The run's catalogue model (`catalogue-model.json`), when it has one.
    public var catalogueModel: CatalogueModel?
    /// The run folder it came from; nil for a model file.
    public var run: RunFolder?
    /// The temperature a model file carries (its run's `calibration.json` when exported); a run's is in its folder.
    public var fileCalibration: RunCalibration?

    /// What `--run`/`--model` name, resolved: a run folder, or a model file (`.safetensors`).
    public static func load(_ path: String, last: Bool = false) throws -> TrainedModel {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            return try load(modelFile: url)
        }
        return try load(run: RunFolder.open(url), last: last)
    }

    /// Loads a model file written by `perseus models export` (F16 or F32 weights; the run's configuration,
    /// preprocessing and temperature in its metadata). No catalogue model: a model file judges images alone.
    public static func load(modelFile url: URL) throws -> TrainedModel {
        let file = try SafeTensors(contentsOf: url)
        guard let yaml = file.metadata[ModelFileKey.configuration] else {
            throw ConfigurationError(message: "\(url.path) is not a Perseus model file (no \(ModelFileKey.configuration) in its metadata); give a run folder with --run, or a file from `perseus models export`")
        }
        let configuration = try TrainingConfiguration.load(yaml: yaml, source: url.path)
        var calibration: RunCalibration?
        if let text = file.metadata[ModelFileKey.calibration] {
            do { calibration = try JSONDecoder().decode(RunCalibration.self, from: Data(text.utf8)) } catch {
                throw ConfigurationError(message: "\(url.path): its \(ModelFileKey.calibration) metadata is not a calibration (\(error)); export the model again")
            }
        }
        return TrainedModel(model: try loadClassifier(file, source: url.path),
                            preprocessing: try Preprocessing(metadata: file.metadata, source: url.path),
                            configuration: configuration, checkpoint: url, catalogueModel: nil, run: nil,
                            fileCalibration: calibration)
    }

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
                            catalogueModel: try CatalogueModel.load(run: run), run: run)
    }

    /// The classes a run tells apart, from its config.yaml (background and member for a run made before classes were
    /// recorded).
    public static func classes(run url: URL) throws -> [String] {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            return try load(modelFile: url).configuration.classes
        }
        let folder = try RunFolder.open(url)
        return try TrainingConfiguration.load(yaml: String(contentsOf: folder.configuration, encoding: .utf8),
                                              source: folder.configuration.path).classes
    }
}

/// The metadata keys a model file adds to a checkpoint's (architecture and preprocessing).
public enum ModelFileKey {
    /// The run's resolved config.yaml.
    public static let configuration = "perseus.configuration"
    /// The run's calibration.json, when it had one.
    public static let calibration = "perseus.calibration"
}

extension TrainedModel {
    /// Throws unless the network can run in `precision`: bf16 and int8 are the ResNets' fused inference path.
    public func check(precision: InferencePrecision) throws {
        guard precision == .fp32 || model is ResNet else {
            throw ConfigurationError(message: "\(checkpoint.path): --precision \(precision.rawValue) applies to ResNets; a \(configuration.model.rawValue) runs in fp32 only")
        }
    }
}
