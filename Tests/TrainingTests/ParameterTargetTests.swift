import Dataset
import Foundation
import NN
import Tensor
import Testing
@testable import Training

/// The catalogue's parameters as regression targets (`parameterWeight`): standardised on the training split,
/// masked where missing, the head trained and resumed exactly, and checkpoints that hold the membership network alone.
struct ParameterTargetTests {
    @Test func parametersAreStandardisedOnTheTrainingSplitAndMaskedWhereMissing() throws {
        var samples = SampleSet(ids: ["a", "b", "c", "d"], labels: [1, 0, 1, 0]) { _, _ in
            throw ConfigurationError(message: "not loaded in this test")
        }
        // "size" has three values (mean 2, deviation 1), "flat" one value (not regressed), "d" none at all.
        samples.parameters = [["size": 1, "flat": 7], ["size": 2], ["size": 3, "colour": .nan], [:]]
        let target = try ParameterTarget(training: samples, model: ResNet(.resnet10, classes: 2, seed: 1), seed: 1)
        #expect(target.names == ["size"])
        #expect(target.means == [2] && target.scales == [1])
        #expect(target.targets == [[-1], [0], [1], [0]])
        #expect(target.present == [[1], [1], [1], [0]])
        #expect(target.head.weight.shape == [1, 512])

        samples.parameters = [[:], [:], [:], [:]]
        #expect(throws: ConfigurationError.self) { try ParameterTarget(training: samples, model: ResNet(.resnet10, classes: 2, seed: 1), seed: 1) }
    }

    @Test func theHeadTrainsResumesExactlyAndStaysOutOfTheCheckpoints() throws {
        let root = try TinyRun.folder("parameter-target")
        defer { try? FileManager.default.removeItem(at: root) }
        var dataset = try TinyRun.dataset(in: root, count: 12)
        for i in dataset.objects.indices where i % 3 != 0 {  // every third object has no parameters
            dataset.objects[i].parameters = ["length": dataset.objects[i].label == 1 ? 8 + Double(i % 4) : 4 - Double(i % 3),
                                             "axisRatio": dataset.objects[i].label == 1 ? 0.2 : 0.9]
        }
        var configuration = TinyRun.configuration()
        configuration.parameterWeight = 0.5
        configuration.auxiliaryWeight = 0.5  // both training-only heads at once
        let (straight, resumed) = try TinyRun.straightAndResumed(configuration, on: dataset, in: root)
        #expect(try TinyRun.tensorBytes(resumed.resumeState) == TinyRun.tensorBytes(straight.resumeState))

        let resume = try SafeTensors(contentsOf: straight.resumeState).tensors
        let training = TinyRun.trainer(configuration, on: dataset, in: straight).training
        let start = try ParameterTarget(training: training, model: configuration.makeModel(), seed: configuration.seed)
        #expect(start.names == ["axisRatio", "length"])
        #expect(resume["parameters.weight"] != nil && resume["parameters.weight"] != .float32(start.head.weight.value))
        #expect(resume["auxiliary.weight"] != nil)
        let last = try SafeTensors(contentsOf: straight.lastCheckpoint).tensors
        #expect(!last.keys.contains { $0.hasPrefix("parameters") || $0.hasPrefix("auxiliary") })
        _ = try configuration.makeModel().load(from: straight.lastCheckpoint)
    }

    @Test func theWeightIsValidated() throws {
        for (yaml, named) in ["parameterWeight: -1": "parameterWeight", "{parameterWeight: 0.5, model: vit-tiny}": "needs a resnet"] {
            let error = #expect(throws: ConfigurationError.self) {
                try TrainingConfiguration.load(yaml: yaml, source: "test.yaml").validate()
            }
            #expect(error?.message.contains(named) == true, "\(yaml): \(error?.message ?? "")")
        }
        #expect(try TrainingConfiguration.load(yaml: "parameterWeight: 0.3", source: "t").parameterWeight == 0.3)
    }
}
