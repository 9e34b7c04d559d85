import Dataset
import Files
import Foundation
import Imaging
import NN
import Testing
@testable import Runs
@testable import Training

/// Shipped models: a run exported as an F16 model file predicts as the run does, the manifest's checksum guards
/// the file, names resolve through the registry, and the models committed in models/ load and answer.
@Suite struct ShippedModelTests {
    /// Export a trained run, then load it back by name: the same configuration, preprocessing and temperature, the
    /// same answers to F16's precision; a changed byte is caught by the checksum, an unknown name lists the known.
    @Test func anExportedRunPredictsAsTheRunDoes() throws {
        let work = try TinyRun.folder("shipped")
        defer { try? FileManager.default.removeItem(at: work) }
        let dataset = try TinyRun.dataset(in: work)
        let configuration = TinyRun.configuration(epochs: 1)
        let run = try TinyRun.trainedRun(configuration, on: dataset, in: work)
        let objects = dataset.objects(in: .validation)
        var calibration = try RunCalibration.fit(try predictRuns([run.url.path], objects: objects, tta: false, calibrated: false).predictions,
                                                 split: "validation", checkpoint: "best.safetensors")
        calibration.temperature = 2.5  // far from 1, so a lost temperature shows
        try calibration.save(run: run)

        var registry = try ModelRegistry.open(work.appendingPathComponent("models"))
        let entry = try registry.export(run: run, name: "tiny", trainedOn: "24 blobs and streaks", crossValidated: "not measured")
        #expect(entry.classes == ["background", "member"] && entry.bands == 3 && entry.inputSize == 32 && entry.temperature == 2.5)
        let reopened = try ModelRegistry.open(registry.folder)
        #expect(reopened.models == [entry])
        let file = try reopened.verifiedFile(reopened.model(named: "tiny"))
        let bytesOnDisk = try Data(contentsOf: file)
        #expect(entry.bytes == bytesOnDisk.count && entry.sha256 == sha256Hex(bytesOnDisk))
        #expect(try SafeTensors(contentsOf: run.bestCheckpoint).encoded().count > entry.bytes * 19 / 10, "F16 halves the file")

        let shipped = try TrainedModel.load(file.path)
        let original = try TrainedModel.load(run: run)
        #expect(shipped.run == nil && shipped.catalogueModel == nil)
        #expect(shipped.configuration == original.configuration && shipped.preprocessing == original.preprocessing)
        #expect(shipped.fileCalibration?.temperature == 2.5)
        let fromRun = try predictRuns([run.url.path], objects: objects, tta: false, calibrated: true)
        let fromFile = try predictRuns([file.path], objects: objects, tta: false, calibrated: true)
        #expect(fromFile.notes.last?.contains("temperature 2.500") == true, "\(fromFile.notes)")
        for (a, b) in zip(fromRun.predictions.memberProbability, fromFile.predictions.memberProbability) {
            #expect(abs(a - b) < 0.01, "F16 weights answer as the run's F32 ones: \(a) against \(b)")
        }
        #expect(try TrainedModel.classes(run: file) == ["background", "member"])

        #expect { try reopened.model(named: "other") } throws: { "\($0)".contains("known: tiny") }
        var bytes = try Data(contentsOf: file)
        bytes[bytes.count - 3] ^= 0x40
        try bytes.write(to: file)
        #expect { try reopened.verifiedFile(entry) } throws: { "\($0)".contains("checksum does not match") }
        #expect { try TrainedModel.load(run.bestCheckpoint.path) } throws: { "\($0)".contains("not a Perseus model file") }
    }

    /// The repository's models folder, found as `perseus` finds it from its own source.
    static var repositoryModels: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("models")
    }

    /// The two committed models: their checksums match the manifest, they load, and on a synthetic image (a round
    /// red blob on noise) they give one finite probability per class, summing to 1, as the manifest lists.
    @Test func theShippedModelsLoadAndAnswer() throws {
        let registry = try ModelRegistry.open(Self.repositoryModels)
        #expect(Set(registry.models.map(\.name)).isSuperset(of: ["perseus-sdss-member", "perseus-sdss-pcc7"]))
        let work = try TinyRun.folder("shipped-answer")
        defer { try? FileManager.default.removeItem(at: work) }
        let dataset = try TinyRun.dataset(in: work, count: 4)
        for model in registry.models {
            #expect(model.bytes <= ModelRegistry.maximumBytes, "\(model.name)")
            let file = try registry.verifiedFile(model)
            let trained = try TrainedModel.load(file.path)
            #expect(trained.configuration.classes == model.classes && trained.preprocessing.inputChannels == model.bands)
            let predicted = try predictRuns([file.path], objects: dataset.objects, tta: false, calibrated: true).predictions
            #expect(predicted.classCount == model.classes.count)
            for p in predicted.probabilities {
                #expect(p.allSatisfy(\.isFinite) && abs(p.reduce(0, +) - 1) < 1e-6, "\(model.name): \(p)")
            }
        }
    }
}
