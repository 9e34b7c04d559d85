import Foundation
import Testing
@testable import Training

@Suite struct BatchRemainderTests {
    /// 18 training objects in batches of 17 leave one over: batch norm cannot train on it, so it is left out
    /// instead of stopping the run.
    @Test func aRemainderOfOneObjectDoesNotStopTraining() throws {
        let folder = try TinyRun.folder("remainder")
        defer { try? FileManager.default.removeItem(at: folder) }
        let dataset = try TinyRun.dataset(in: folder, count: 24)
        var configuration = TinyRun.configuration(epochs: 1)
        configuration.batchSize = 17
        let run = try RunFolder.create(at: folder.appendingPathComponent("run"), force: false)
        let outcome = try TinyRun.trainer(configuration, on: dataset, in: run).fit()
        #expect(outcome.epochs.count == 1)
    }
}
