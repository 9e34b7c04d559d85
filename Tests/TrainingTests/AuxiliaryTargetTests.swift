import Dataset
import Foundation
import NN
import Tensor
import Testing
@testable import Training

/// The catalogue classes as a second target (`auxiliaryWeight`): which class each object gets, that the head trains
/// and is resumed exactly, and that checkpoints hold the membership network alone.
struct AuxiliaryTargetTests {
    @Test func classesComeFromTheCatalogueAndSpectroscopicGalaxiesAreSplitByTheirLabel() throws {
        var samples = SampleSet(ids: ["a", "b", "c", "d", "e"], labels: [1, 0, 1, 0, 0]) { _, _ in
            throw ConfigurationError(message: "not loaded in this test")
        }
        samples.objectClasses = ["Likely dE/ETGcluster candidate", "Cluster or background LTG", "GALAXY", "GALAXY", nil]
        let target = try AuxiliaryTarget(training: samples, model: ResNet(.resnet10, classes: 2, seed: 1), seed: 1)
        #expect(target.classes == ["Cluster or background LTG / background", "GALAXY / background", "GALAXY / member",
                                   "Likely dE/ETGcluster candidate / member", "unclassified / background"])
        #expect(target.labels == [3, 0, 2, 1, 4])
        #expect(target.head.weight.shape == [5, 512])
    }

    @Test func theHeadTrainsResumesExactlyAndStaysOutOfTheCheckpoints() throws {
        let root = try TinyRun.folder("auxiliary")
        defer { try? FileManager.default.removeItem(at: root) }
        var dataset = try TinyRun.dataset(in: root, count: 12)
        for i in dataset.objects.indices {
            dataset.objects[i].objectClass = dataset.objects[i].label == 1 ? (i % 4 == 1 ? "streak" : "faint streak") : "blob"
        }
        var configuration = TinyRun.configuration()
        configuration.auxiliaryWeight = 0.5
        let (straight, resumed) = try TinyRun.straightAndResumed(configuration, on: dataset, in: root)
        #expect(try TinyRun.tensorBytes(resumed.resumeState) == TinyRun.tensorBytes(straight.resumeState))

        // The head moved from its seeded start, and the network it trained differs from one trained without it.
        let resume = try SafeTensors(contentsOf: straight.resumeState).tensors
        let training = TinyRun.trainer(configuration, on: dataset, in: straight).training
        let start = try AuxiliaryTarget(training: training, model: configuration.makeModel(), seed: configuration.seed)
        #expect(start.classes.count == 3)
        #expect(resume["auxiliary.weight"] != nil && resume["auxiliary.weight"] != .float32(start.head.weight.value))
        let plain = try RunFolder.create(at: root.appendingPathComponent("plain"), force: false)
        _ = try TinyRun.trainer(TinyRun.configuration(epochs: 3), on: dataset, in: plain).fit()
        let last = try SafeTensors(contentsOf: straight.lastCheckpoint).tensors
        #expect(last["conv1.weight"] != (try SafeTensors(contentsOf: plain.lastCheckpoint).tensors["conv1.weight"]))
        // The checkpoint is the membership network alone and loads as one.
        #expect(!last.keys.contains { $0.hasPrefix("auxiliary") })
        _ = try configuration.makeModel().load(from: straight.lastCheckpoint)
    }
}
