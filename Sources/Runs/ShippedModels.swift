import Dataset
import Files
import Foundation
import NN
import Training

/// One shipped model as `models/models.json` describes it: what `perseus models` lists, and the checksum its file
/// must have. The file itself carries what prediction needs (weights, configuration, preprocessing, temperature).
public struct ShippedModel: Codable, Equatable, Sendable {
    public var name: String
    /// The weights file, relative to the models folder.
    public var file: String
    public var architecture: String
    /// Input side in pixels and bands (3: colour cutouts; 1: greyscale).
    public var inputSize: Int
    public var bands: Int
    public var classes: [String]
    /// The temperature its logits are divided by (its run's calibration), when it has one.
    public var temperature: Double?
    public var trainedOn: String
    public var crossValidated: String
    public var bytes: Int
    public var sha256: String
    public var credit: String

    public static let sdssCredit = "Images: SDSS DR16 (Sloan Digital Sky Survey; free to use with acknowledgement of SDSS). "
        + "Labels: the Perseus Cluster Catalog, Wittmann, C., et al. 2019, ApJS 245, 10."
}

/// The shipped models: the folder holding `models.json` and the weights it lists.
public struct ModelRegistry: Sendable {
    public let folder: URL
    public private(set) var models: [ShippedModel]

    public static let manifestName = "models.json"
    /// Set to a folder holding `models.json` to use other models than the repository's `models/`.
    public static let environmentKey = "PERSEUS_MODELS"
    /// Shipped files are committed to the repository: each stays under this size.
    public static let maximumBytes = 25_000_000

    public var manifest: URL { folder.appendingPathComponent(Self.manifestName) }

    /// Reads `folder/models.json`; a folder without one is an empty registry (what `export` starts from).
    public static func open(_ folder: URL) throws -> ModelRegistry {
        let url = folder.appendingPathComponent(manifestName)
        guard FileManager.default.fileExists(atPath: url.path) else { return ModelRegistry(folder: folder, models: []) }
        do {
            return ModelRegistry(folder: folder, models: try JSONDecoder().decode([ShippedModel].self, from: Data(contentsOf: url)))
        } catch {
            throw ConfigurationError(message: "\(url.path) is not a valid model manifest (\(error)); restore it with git or rebuild it with scripts/train-shipped-models.sh")
        }
    }

    /// The models folder: $PERSEUS_MODELS, else the first `models/` with a `models.json` above the executable
    /// (`.build/release/perseus` sits two levels under the repository), above this source file (the package the
    /// executable was built from), or the current directory.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ModelRegistry {
        if let given = environment[environmentKey], !given.isEmpty {
            let folder = URL(fileURLWithPath: given)
            guard FileManager.default.fileExists(atPath: folder.appendingPathComponent(manifestName).path) else {
                throw ConfigurationError(message: "\(environmentKey)=\(given) holds no \(manifestName); point it at a folder of shipped models (the repository's models/)")
            }
            return try open(folder)
        }
        var starts: [URL] = []
        if let executable = Bundle.main.executableURL { starts.append(executable.resolvingSymlinksInPath().deletingLastPathComponent()) }
        starts.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent())
        starts.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        for start in starts {
            var folder = start.standardizedFileURL
            while true {
                let candidate = folder.appendingPathComponent("models")
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent(manifestName).path) {
                    return try open(candidate)
                }
                let parent = folder.deletingLastPathComponent()
                if parent.path == folder.path { break }
                folder = parent
            }
        }
        throw ConfigurationError(message: "no shipped models found (no models/\(manifestName) above \(starts.map(\.path).joined(separator: ", "))); set \(environmentKey) to the repository's models/ folder")
    }

    /// The model called `name`; an unknown name lists the known ones.
    public func model(named name: String) throws -> ShippedModel {
        guard let model = models.first(where: { $0.name == name }) else {
            let known = models.map(\.name).joined(separator: ", ")
            throw ConfigurationError(message: "no shipped model called '\(name)'; known: \(known.isEmpty ? "none" : known) (in \(manifest.path)); or give a model file's path")
        }
        return model
    }

    /// The model's file, after checking its size and SHA-256 against the manifest.
    public func verifiedFile(_ model: ShippedModel) throws -> URL {
        let url = folder.appendingPathComponent(model.file)
        guard let data = try? Data(contentsOf: url) else {
            throw ConfigurationError(message: "\(url.path), shipped model \(model.name)'s file, cannot be read; restore it with `git checkout -- models/` or rebuild it with scripts/train-shipped-models.sh")
        }
        let digest = sha256Hex(data)
        guard data.count == model.bytes, digest == model.sha256 else {
            throw ConfigurationError(message: "\(url.path): its checksum does not match \(manifest.lastPathComponent) (sha256 \(digest), \(data.count) bytes; expected \(model.sha256), \(model.bytes) bytes): the file is corrupt or was replaced; restore it with `git checkout -- models/` (or git lfs pull) or rebuild it with scripts/train-shipped-models.sh")
        }
        return url
    }

    /// What `--model` names, as a path `TrainedModel.load` opens: an existing file as it is, else a shipped
    /// model's name (its file checked against the manifest).
    public static func resolve(_ nameOrFile: String) throws -> String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: nameOrFile, isDirectory: &isDirectory) {
            guard !isDirectory.boolValue else {
                throw ConfigurationError(message: "--model \(nameOrFile) is a folder; give a run folder with --run, or a shipped model's name or file with --model")
            }
            return nameOrFile
        }
        let registry = try locate()
        return try registry.verifiedFile(registry.model(named: nameOrFile)).path
    }

    /// Writes a run's best checkpoint as the shipped model `name`: F16 weights with the run's configuration and
    /// temperature in the metadata, its entry (checksum and size included) added to or replaced in the manifest.
    @discardableResult
    public mutating func export(run: RunFolder, name: String, trainedOn: String, crossValidated: String) throws -> ShippedModel {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
            throw ConfigurationError(message: "model name '\(name)' must be letters, digits, '-', '_' or '.'")
        }
        let trained = try TrainedModel.load(run: run)
        var file = try SafeTensors(contentsOf: run.bestCheckpoint)
        if let tensor = file.halfPrecisionOverflow {
            throw ConfigurationError(message: "\(run.bestCheckpoint.path): \(tensor) has values beyond half precision's range (65504); this checkpoint cannot ship as F16")
        }
        file.metadata[ModelFileKey.configuration] = try String(contentsOf: run.configuration, encoding: .utf8)
        let calibration = try RunCalibration.load(run: run)
        if let calibration {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            file.metadata[ModelFileKey.calibration] = String(decoding: try encoder.encode(calibration), as: UTF8.self)
        }
        let data = file.encoded(precision: .float16)
        guard data.count <= Self.maximumBytes else {
            throw ConfigurationError(message: "\(name) would be \(data.count) bytes in F16, over the \(Self.maximumBytes)-byte limit for a shipped model; ship a smaller architecture")
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let fileName = "\(name).safetensors"
        try AtomicFile.write(data, to: folder.appendingPathComponent(fileName))
        let entry = ShippedModel(
            name: name, file: fileName, architecture: trained.configuration.model.rawValue,
            inputSize: trained.preprocessing.inputSize, bands: trained.preprocessing.inputChannels,
            classes: trained.configuration.classes, temperature: calibration?.temperature, trainedOn: trainedOn,
            crossValidated: crossValidated, bytes: data.count, sha256: sha256Hex(data), credit: ShippedModel.sdssCredit)
        models.removeAll { $0.name == name }
        models.append(entry)
        models.sort { $0.name < $1.name }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(encoder.encode(models), to: manifest)
        return entry
    }
}
