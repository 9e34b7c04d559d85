import Foundation
import NN
import Tensor
@testable import Training

/// Runs `perseus train` as a child process on a prepared dataset written by the test.
struct TrainCommand {
    /// `perseus` beside the test bundle (SwiftPM builds both into the same folder), or `PERSEUS_BIN`.
    static let executable: URL? = {
        if let path = ProcessInfo.processInfo.environment["PERSEUS_BIN"] { return URL(fileURLWithPath: path) }
        let bundle = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        let candidate = bundle.appendingPathComponent("perseus")
        return FileManager.default.isExecutableFile(atPath: candidate.path) ? candidate : nil
    }()

    let root: URL
    let data: URL
    let config: URL
    let run: RunFolder
    let reference: RunFolder

    init(root: URL, name: String, configuration: TrainingConfiguration) {
        self.root = root
        data = root.appendingPathComponent("dataset")
        config = root.appendingPathComponent("\(name).yaml")
        try? Data((try? configuration.yaml())?.utf8 ?? "".utf8).write(to: config)
        run = RunFolder(url: root.appendingPathComponent(name))
        reference = RunFolder(url: root.appendingPathComponent("\(name)-uninterrupted"))
    }

    private func launch(_ out: URL, resume: Bool) throws -> Process {
        let process = Process()
        process.executableURL = Self.executable!
        var arguments = ["train", "--data", data.path, "--out", out.path]
        arguments += resume ? ["--resume"] : ["--config", config.path, "--force"]
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// An uninterrupted run into `reference`; returns its wall time in seconds.
    func timedUninterruptedRun() throws -> Double {
        let started = Date()
        let process = try launch(reference.url, resume: false)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TrainFailure(status: process.terminationStatus) }
        return Date().timeIntervalSince(started)
    }

    /// Starts (or resumes) the run and sends SIGKILL after `delay` seconds. Returns the epochs committed when it
    /// died, or nil if the run had already finished. A run killed before it wrote its configuration is started
    /// afresh, as a user would.
    func startAndKill(after delay: Double, resume: Bool) throws -> Int? {
        let canResume = resume && FileManager.default.fileExists(atPath: run.configuration.path)
        let process = try launch(run.url, resume: canResume)
        Thread.sleep(forTimeInterval: delay)
        guard process.isRunning else {
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw TrainFailure(status: process.terminationStatus) }
            return nil
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return committedEpochs()
    }

    /// Resumes until the run completes.
    func finish() throws {
        let process = try launch(run.url, resume: FileManager.default.fileExists(atPath: run.configuration.path))
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TrainFailure(status: process.terminationStatus) }
    }

    private func committedEpochs() -> Int {
        guard let file = try? SafeTensors(contentsOf: run.resumeState), let text = file.metadata[ResumeState.key],
              let state = try? JSONDecoder().decode(ResumeState.self, from: Data(text.utf8)) else { return 0 }
        return state.epoch
    }
}

struct TrainFailure: Error, CustomStringConvertible {
    var status: Int32
    var description: String { "perseus train exited with status \(status)" }
}
