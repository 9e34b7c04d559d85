import Dataset
import Foundation

/// The folder a training run writes: its resolved configuration, per-epoch metrics, the best and last
/// checkpoints, the resume state and a log. Every file is replaced atomically, so a run killed at any moment
/// leaves the previous complete version of each file behind.
public struct RunFolder: Sendable {
    public let url: URL

    public var configuration: URL { url.appendingPathComponent("config.yaml") }
    public var metrics: URL { url.appendingPathComponent("metrics.csv") }
    public var bestCheckpoint: URL { url.appendingPathComponent("best.safetensors") }
    public var lastCheckpoint: URL { url.appendingPathComponent("last.safetensors") }
    /// Weights, optimizer state and bookkeeping of the last finished epoch, replaced atomically: what `--resume` reads.
    public var resumeState: URL { url.appendingPathComponent("resume.safetensors") }
    public var log: URL { url.appendingPathComponent("train.log") }

    /// Starts a new run. An existing, non-empty folder is refused unless `force`, which clears it.
    public static func create(at url: URL, force: Bool) throws -> RunFolder {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw ConfigurationError(message: "\(url.path) is a file, not a run folder; choose another --out")
            }
            let contents = try fm.contentsOfDirectory(atPath: url.path)
            if !contents.isEmpty {
                guard force else {
                    throw ConfigurationError(message:
                        "\(url.path) already holds a run; use --resume to continue it, --force to replace it, or another --out")
                }
                for name in contents { try fm.removeItem(at: url.appendingPathComponent(name)) }
            }
        }
        try fm.createDirectory(at: url, withIntermediateDirectories: true)
        return RunFolder(url: url)
    }

    /// Opens an existing run (to resume, evaluate or predict).
    public static func open(_ url: URL) throws -> RunFolder {
        let folder = RunFolder(url: url)
        guard FileManager.default.fileExists(atPath: folder.configuration.path) else {
            throw ConfigurationError(message: "\(url.path) is not a run folder (no config.yaml); check --run")
        }
        return folder
    }

    /// Removes the temporaries of writes a killed run never finished (`AtomicFile` names them `.<name>.tmp-<pid>-<n>`);
    /// the files they were replacing are intact. Only one process trains in a run folder, so none is in use.
    @discardableResult
    public func removeStaleTemporaries() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { $0.hasPrefix(".") && $0.contains(".tmp-") }.filter {
            (try? FileManager.default.removeItem(at: url.appendingPathComponent($0))) != nil
        }
    }

    /// Appends a line to the run's log (not atomic: a log may lose its last line, nothing else).
    public func appendLog(_ line: String) {
        let stamped = "\(ISO8601DateFormatter().string(from: Date())) \(line)\n"
        if let handle = try? FileHandle(forWritingTo: log) {
            handle.seekToEndOfFile()
            handle.write(Data(stamped.utf8))
            try? handle.close()
        } else {
            try? Data(stamped.utf8).write(to: log)
        }
    }
}
