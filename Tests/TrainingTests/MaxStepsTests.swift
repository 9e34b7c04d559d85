import Foundation
import Testing
@testable import Training

@Suite struct MaxStepsTests {
    /// 18 training objects in batches of 6 are 3 steps an epoch: `maxSteps` 3 ends the run after one epoch, 4 cuts
    /// the second epoch short after one step (validated and committed all the same); the run never takes more.
    @Test func maxStepsStopsTheRunAfterThatManySteps() throws {
        let folder = try TinyRun.folder("max-steps")
        defer { try? FileManager.default.removeItem(at: folder) }
        let dataset = try TinyRun.dataset(in: folder, count: 24)
        for (maxSteps, epochs) in [(3, 1), (4, 2)] {
            var configuration = TinyRun.configuration(epochs: 5)
            configuration.maxSteps = maxSteps
            let run = try RunFolder.create(at: folder.appendingPathComponent("run\(maxSteps)"), force: false)
            let outcome = try TinyRun.trainer(configuration, on: dataset, in: run).fit()
            #expect(outcome.epochs.count == epochs)
            #expect(FileManager.default.fileExists(atPath: run.lastCheckpoint.path))
        }
    }

    @Test func maxStepsIsReadFromYAMLAndCannotBeNegative() throws {
        #expect(try TrainingConfiguration.load(yaml: "maxSteps: 20\n", source: "c.yaml").maxSteps == 20)
        #expect(TrainingConfiguration().maxSteps == 0)
        #expect { try TrainingConfiguration.load(yaml: "maxSteps: -1\n", source: "c.yaml").validate() } throws: {
            "\($0)".contains("maxSteps")
        }
    }
}
