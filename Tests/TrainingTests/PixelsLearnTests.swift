import Dataset
import Foundation
import Imaging
import Runs
import Tensor
import Testing
@testable import Training

/// Issue 23's ways for the network to learn what the catalogue knows: the magnitude as an input plane, and
/// distillation from the catalogue trees' out-of-fold probabilities.
struct PixelsLearnTests {
    /// A tiny dataset whose objects have a magnitude (members fainter) and two parameters (every third object none).
    func dataset(in root: URL) throws -> PreparedDataset {
        var dataset = try TinyRun.dataset(in: root, count: 24)
        for i in dataset.objects.indices {
            let member = dataset.objects[i].label == 1
            dataset.objects[i].magnitude = (member ? 21 : 18) + Double(i % 5) * 0.2
            if i % 3 != 0 { dataset.objects[i].parameters = ["size": member ? 6 + Double(i % 4) : 2, "colour": Double(i % 2)] }
        }
        return PreparedDataset(objects: dataset.objects)
    }

    @Test func theMagnitudePlaneFollowsTheBandsAndIsRequired() throws {
        let root = try TinyRun.folder("magnitude-plane")
        defer { try? FileManager.default.removeItem(at: root) }
        var objects = try dataset(in: root).objects
        let image = try SampleSet(objects: objects, inputSize: 32, grey: false, magnitudePlane: true).load(1, .identity)
        #expect(image.channels == 4)
        #expect(image.pixels[(3 * 32 * 32)...].allSatisfy { $0 == Float(objects[1].magnitude!) })
        let plain = try SampleSet(objects: objects, inputSize: 32, grey: false).load(1, .identity)
        #expect(Array(image.pixels[..<(3 * 32 * 32)]) == plain.pixels)
        objects[1].magnitude = nil
        let error = #expect(throws: ConfigurationError.self) {
            try SampleSet(objects: objects, inputSize: 32, grey: false, magnitudePlane: true).load(1, .identity)
        }
        #expect(error?.message.contains("obj1") == true && error?.message.contains("magnitudeInput") == true)
    }

    /// A run with the magnitude input records it, takes four planes, and its predictions move with the magnitude.
    @Test func aRunTakesTheMagnitude() throws {
        let root = try TinyRun.folder("magnitude-run")
        defer { try? FileManager.default.removeItem(at: root) }
        let dataset = try dataset(in: root)
        var configuration = TinyRun.configuration(epochs: 1)
        configuration.magnitudeInput = true
        let run = try TinyRun.trainedRun(configuration, on: dataset, in: root)
        let trained = try TrainedModel.load(run: run)
        #expect(trained.preprocessing.magnitudePlane == true && trained.preprocessing.inputChannels == 4)
        #expect(trained.model.inputChannels == 4)
        var objects = Array(dataset.objects(in: .validation).prefix(2))
        func member() throws -> [Double] {
            try predict(trained.model, on: SampleSet(objects: objects, preprocessing: trained.preprocessing),
                        preprocessing: trained.preprocessing).memberProbability
        }
        let before = try member()
        for i in objects.indices { objects[i].magnitude! += 3 }
        #expect(try member() != before)
    }

    /// Each object's teacher probability comes from trees that never saw its label: flipping one object's label
    /// leaves its own probability as it was. Objects without parameters get none.
    @Test func theTeacherIsOutOfFold() throws {
        let root = try TinyRun.folder("teacher")
        defer { try? FileManager.default.removeItem(at: root) }
        var objects = try dataset(in: root).objects
        let teacher = try CatalogueTeacher.probabilities(training: objects, parameters: ["size", "colour"])
        #expect(Set(teacher.keys) == Set(objects.filter { !$0.parameters.isEmpty }.map(\.id)))
        #expect(teacher.values.allSatisfy { (0...1).contains($0) })
        #expect(try CatalogueTeacher.probabilities(training: objects + objects, parameters: ["size", "colour"]) == teacher)
        objects[1].label = 1 - objects[1].label
        #expect(try CatalogueTeacher.probabilities(training: objects, parameters: ["size", "colour"])[objects[1].id] == teacher[objects[1].id])
    }

    @Test func aDistilledRunTrainsAndTheWeightIsValidated() throws {
        let root = try TinyRun.folder("distillation")
        defer { try? FileManager.default.removeItem(at: root) }
        var configuration = TinyRun.configuration(epochs: 1)
        configuration.distillationWeight = 0.5
        let run = try TinyRun.trainedRun(configuration, on: try dataset(in: root), in: root)
        let log = try String(contentsOf: run.log, encoding: .utf8)
        #expect(log.contains("distillation:") && log.contains("soft target"))

        for (yaml, named) in ["distillationWeight: 1.5": "0...1",
                              "{distillationWeight: 0.5, classes: [a, b, c]}": "3 classes"] {
            let error = #expect(throws: ConfigurationError.self) {
                try TrainingConfiguration.load(yaml: yaml, source: "test.yaml").validate()
            }
            #expect(error?.message.contains(named) == true, "\(yaml): \(error?.message ?? "")")
        }
    }
}
