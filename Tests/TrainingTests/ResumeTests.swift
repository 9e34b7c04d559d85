import Dataset
import Files
import Foundation
import NN
import Tensor
import Testing
@testable import Training
import SeededRandom

/// Faults during training: a failed save, a corrupt resume file, a resume with other settings, and SIGKILL at random
/// points. Every resumed run must end with exactly the weights of an uninterrupted one.
@Suite(.serialized) struct ResumeTests {
    /// The shared data and the uninterrupted run every faulty run is compared with.
    struct Reference: Sendable {
        let root: URL
        let dataset: PreparedDataset
        let run: RunFolder
        let lastBytes: Data
        let resumeTensors: Data
    }

    static let reference: Result<Reference, any Error> = Result {
        let root = try TinyRun.folder("resume")
        let dataset = try TinyRun.dataset(in: root, count: 12)
        let run = try RunFolder.create(at: root.appendingPathComponent("reference"), force: false)
        _ = try TinyRun.trainer(TinyRun.configuration(), on: dataset, in: run).fit()
        return Reference(root: root, dataset: dataset, run: run, lastBytes: try Data(contentsOf: run.lastCheckpoint),
                         resumeTensors: try TinyRun.tensorBytes(run.resumeState))
    }

    @Test func aDiskFullMidSaveKeepsThePreviousCheckpointAndResumesExactly() throws {
        let reference = try Self.reference.get()
        let configuration = TinyRun.configuration()
        let run = try RunFolder.create(at: reference.root.appendingPathComponent("disk-full"), force: false)
        // Epoch 2's commit (the resume file) runs out of space after 4 KB.
        let fault = WriteFault(fileName: "resume.safetensors", occurrence: 2, afterBytes: 4096, code: ENOSPC)
        #expect {
            try AtomicFile.$fault.withValue(fault) {
                _ = try TinyRun.trainer(configuration, on: reference.dataset, in: run).fit()
            }
        } throws: { error in
            (error as? FileWriteError)?.code == ENOSPC && "\(error)".contains(run.resumeState.path)
        }
        #expect(fault.fired)
        // The previous commit is intact and loads: epoch 1's state, and both checkpoints load into a model.
        let model = try configuration.makeModel()
        let saved = try ResumeState.load(run.resumeState, into: model, optimizer: configuration.makeOptimizer(for: model))
        #expect(saved.state.epoch == 1)
        for checkpoint in [run.bestCheckpoint, run.lastCheckpoint] {
            _ = try configuration.makeModel().load(from: checkpoint)
        }
        #expect(try TinyRun.temporaries(in: run.url).isEmpty)
        // Once there is space again, the run resumes and ends exactly where the uninterrupted one did.
        _ = try TinyRun.trainer(configuration, on: reference.dataset, in: run).fit(resume: true)
        #expect(try Data(contentsOf: run.lastCheckpoint) == reference.lastBytes)
        #expect(try TinyRun.tensorBytes(run.resumeState) == reference.resumeTensors)
    }

    /// SIGKILL after the final epoch's commit (the resume file) but before the last checkpoint and metrics were
    /// rewritten: a resume has no epoch left to train, and still leaves them as the uninterrupted run did.
    @Test func aKillAfterTheFinalCommitIsMendedByResume() throws {
        let reference = try Self.reference.get()
        let run = try RunFolder.create(at: reference.root.appendingPathComponent("final-commit"), force: false)
        try FileManager.default.copyItem(at: reference.run.resumeState, to: run.resumeState)
        try AtomicFile.write(Data("an epoch behind".utf8), to: run.lastCheckpoint)
        _ = try TinyRun.trainer(TinyRun.configuration(), on: reference.dataset, in: run).fit(resume: true)
        #expect(try Data(contentsOf: run.lastCheckpoint) == reference.lastBytes)
        #expect(try Data(contentsOf: run.metrics) == Data(contentsOf: reference.run.metrics))
    }

    @Test func aCorruptResumeFileIsRefusedByName() throws {
        let reference = try Self.reference.get()
        let run = try RunFolder.create(at: reference.root.appendingPathComponent("corrupt"), force: false)
        let good = try Data(contentsOf: reference.run.resumeState)
        for broken in [good.prefix(good.count / 2), Data("not a safetensors file".utf8), Data()] {
            try AtomicFile.write(Data(broken), to: run.resumeState)
            #expect {
                _ = try TinyRun.trainer(TinyRun.configuration(), on: reference.dataset, in: run).fit(resume: true)
            } throws: { error in
                "\(error)".contains(run.resumeState.path)
            }
        }
    }

    @Test func aResumeWithOtherSettingsOrDataIsRefused() throws {
        let reference = try Self.reference.get()
        let run = try RunFolder.create(at: reference.root.appendingPathComponent("other-settings"), force: false)
        try FileManager.default.copyItem(at: reference.run.resumeState, to: run.resumeState)
        var changed = TinyRun.configuration(epochs: 5)
        changed.learningRate = 0.02
        changed.threads = 1
        #expect {
            _ = try TinyRun.trainer(changed, on: reference.dataset, in: run).fit(resume: true)
        } throws: { error in
            "\(error)".contains("learningRate") && !"\(error)".contains("epochs") && !"\(error)".contains("threads")
        }
        var fewer = reference.dataset
        fewer.objects.removeFirst()
        #expect {
            _ = try TinyRun.trainer(TinyRun.configuration(), on: fewer, in: run).fit(resume: true)
        } throws: { error in
            "\(error)".contains("training or validation objects")
        }
    }

    /// `perseus train` killed with SIGKILL at seeded random moments, resumed with `--resume` after each kill, ends
    /// with the uninterrupted run's weights and optimizer state, bit for bit.
    @Test(.enabled(if: TrainCommand.executable != nil, "needs the perseus executable beside the test bundle"))
    func sigkillAtRandomPointsThenResumeMatchesAnUninterruptedRun() throws {
        let reference = try Self.reference.get()
        let command = TrainCommand(root: reference.root, name: "killed", configuration: TinyRun.configuration())
        // How long an uninterrupted run takes here, so the kills land anywhere in it.
        let full = try command.timedUninterruptedRun()
        #expect(try Data(contentsOf: command.reference.lastCheckpoint) == reference.lastBytes,
                "the CLI and the library train identically")
        var rng = SeededGenerator(seed: 20_261_127)
        var killedAfterEpochs: [Int] = []
        // Two kills keep the test within a test's time; scripts/kill-resume.sh sets PERSEUS_KILLS higher.
        let kills = Int(ProcessInfo.processInfo.environment["PERSEUS_KILLS"] ?? "") ?? 2
        for attempt in 0..<kills {
            let delay = 0.15 + Double(rng.nextUniform()) * full * 0.8
            if let epochs = try command.startAndKill(after: delay, resume: attempt > 0) { killedAfterEpochs.append(epochs) }
        }
        // On a machine whose load falls the run can outpace the timing measured above: start afresh and kill
        // earlier until a kill lands.
        var window = full * 0.4
        while killedAfterEpochs.isEmpty && window > 0.05 {
            try? FileManager.default.removeItem(at: command.run.url)
            if let epochs = try command.startAndKill(after: 0.1 + Double(rng.nextUniform()) * window, resume: false) {
                killedAfterEpochs.append(epochs)
            }
            window /= 2
        }
        try command.finish()
        print("killed after \(killedAfterEpochs) committed epochs (full run \(String(format: "%.1f", full)) s)")
        #expect(!killedAfterEpochs.isEmpty, "at least one kill landed before the run finished")
        #expect(try Data(contentsOf: command.run.lastCheckpoint) == reference.lastBytes)
        #expect(try TinyRun.tensorBytes(command.run.resumeState) == reference.resumeTensors)
        #expect(try TinyRun.temporaries(in: command.run.url).isEmpty, "a resume removes a killed write's temporary")
    }
}
