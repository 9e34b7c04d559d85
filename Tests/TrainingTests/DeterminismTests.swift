import Dataset
import Foundation
import NN
import Testing
@testable import Training

/// The same seed, data and thread count give bit-identical weights.
@Suite(.serialized) struct DeterminismTests {
    @Test func twoRunsGiveBitIdenticalWeights() throws {
        let root = try TinyRun.folder("determinism")
        defer { try? FileManager.default.removeItem(at: root) }
        let dataset = try TinyRun.dataset(in: root)
        let configuration = TinyRun.configuration()
        var files: [[Data]] = []
        for name in ["a", "b"] {
            let run = try RunFolder.create(at: root.appendingPathComponent(name), force: false)
            let outcome = try TinyRun.trainer(configuration, on: dataset, in: run).fit()
            #expect(outcome.epochs.count == configuration.epochs)
            files.append([try Data(contentsOf: run.lastCheckpoint), try Data(contentsOf: run.bestCheckpoint),
                          try TinyRun.tensorBytes(run.resumeState)])
        }
        // last and best are compared whole (weights, buffers and metadata); the resume file's tensors include the
        // optimizer's momentum buffers.
        #expect(files[0] == files[1])
        // Training changed the weights (the comparison is not of two untouched initialisations).
        let initial = SafeTensors(tensors: try configuration.makeModel().checkpoint().tensors).encoded()
        #expect(try TinyRun.tensorBytes(root.appendingPathComponent("a/last.safetensors")) != initial)
    }
}
