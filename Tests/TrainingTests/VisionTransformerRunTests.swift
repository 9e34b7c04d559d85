import Dataset
import Files
import Foundation
import NN
import Testing
@testable import Runs
@testable import Training

/// `vit-tiny` goes through the same run machinery as the ResNets: train, checkpoint, resume, load, predict, explain.
@Suite(.serialized) struct VisionTransformerRunTests {
    func configuration(epochs: Int) -> TrainingConfiguration {
        var c = TinyRun.configuration(epochs: epochs)
        c.model = .vitTiny
        c.optimizer = .adamw
        c.learningRate = 1e-3
        c.weightDecay = 0.05
        c.schedule = .constant
        c.augmentation = .none
        return c
    }

    @Test func trainsLoadsPredictsAndExplains() throws {
        let folder = try TinyRun.folder("vit")
        defer { try? FileManager.default.removeItem(at: folder) }
        let dataset = try TinyRun.dataset(in: folder)
        let run = try RunFolder.create(at: folder.appendingPathComponent("run"), force: false)
        let config = configuration(epochs: 6)
        try AtomicFile.write(Data(config.yaml().utf8), to: run.configuration)
        let outcome = try TinyRun.trainer(config, on: dataset, in: run).fit()
        let losses = outcome.epochs.map(\.trainLoss)
        #expect(losses.count == 6 && losses.allSatisfy(\.isFinite))
        #expect(losses.last! < losses.first! * 0.8, "train losses \(losses)")

        let trained = try TrainedModel.load(run: run)
        let vit = try #require(trained.model as? VisionTransformer, "the checkpoint rebuilds a vision transformer")
        #expect(vit.name == "vit-tiny" && vit.configuration == .tiny(imageSize: 32) && vit.inputChannels == 3)
        let validation = SampleSet(objects: dataset.objects(in: .validation), inputSize: 32, grey: false)
        let predictions = try predict(trained.model, on: validation, preprocessing: trained.preprocessing)
        #expect(predictions.memberProbability.count == validation.count)
        #expect(abs(predictions.loss - outcome.epochs[outcome.bestEpoch - 1].validationLoss) < 1e-6,
                "the best checkpoint reproduces its validation loss")

        let explainer = SaliencyExplainer(model: trained.model, preprocessing: trained.preprocessing)
        let image = try validation.load(0, .identity)
        let maps = try explainer.attentionRollout([image])
        #expect(maps.count == 1 && maps[0].width == 32 && maps[0].height == 32 && maps[0].values.allSatisfy { $0 >= 0 })
        #expect(throws: ConfigurationError.self) { try explainer.gradCAM([image]) }
        _ = try explainer.integratedGradients(image, steps: 4)
    }

    @Test func resumesWhereItStopped() throws {
        let folder = try TinyRun.folder("vit-resume")
        defer { try? FileManager.default.removeItem(at: folder) }
        let dataset = try TinyRun.dataset(in: folder)
        func fit(_ name: String, epochs: Int, resume: Bool) throws -> RunFolder {
            let url = folder.appendingPathComponent(name)
            let run: RunFolder
            if resume { run = try RunFolder.open(url) } else {
                run = try RunFolder.create(at: url, force: false)
                try AtomicFile.write(Data(configuration(epochs: epochs).yaml().utf8), to: run.configuration)
            }
            _ = try TinyRun.trainer(configuration(epochs: epochs), on: dataset, in: run).fit(resume: resume)
            return run
        }
        let straight = try fit("straight", epochs: 2, resume: false)
        _ = try fit("split", epochs: 1, resume: false)
        let resumed = try fit("split", epochs: 2, resume: true)
        #expect(try TinyRun.tensorBytes(straight.lastCheckpoint) == TinyRun.tensorBytes(resumed.lastCheckpoint))
    }
}
