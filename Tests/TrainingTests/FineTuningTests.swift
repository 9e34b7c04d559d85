import Autodiff
import Dataset
import Foundation
import NN
import Tensor
import Testing
@testable import Training
import SeededRandom

/// Fine-tuning (`initFrom`, `freezeBackbone`): what is loaded from a checkpoint, what is refused, what a frozen
/// backbone keeps, and that a fine-tuning run learns and resumes.
@Suite(.serialized) struct FineTuningTests {
    /// A ResNet-10 with `classes` classes, its batch-norm running statistics moved off their initial values (and
    /// `num_batches_tracked` off 0), so a test can tell them from a fresh network's.
    static func network(classes: Int, seed: UInt64) throws -> ResNet {
        let model = ResNet(.resnet10, classes: classes, seed: seed)
        var rng = SeededGenerator(seed: seed &+ 1)
        var state = Self.state(model)
        for (name, value) in state {
            if name.hasSuffix(".running_mean") || name.hasSuffix(".running_var") {
                let (low, high): (Float, Float) = name.hasSuffix("mean") ? (-0.2, 0.2) : (0.8, 1.2)
                state[name] = .float32(Tensor.uniform(value.shape, low: low, high: high, using: &rng))
            } else if name.hasSuffix(".num_batches_tracked") {
                state[name] = .int64(shape: [], values: [17])
            }
        }
        try model.loadStateDict(state)
        return model
    }

    static func configuration(initFrom: URL, freeze: Bool = false, epochs: Int = 3) -> TrainingConfiguration {
        var c = TinyRun.configuration(epochs: epochs)
        c.initFrom = initFrom.path
        c.freezeBackbone = freeze
        return c
    }

    /// The file's entries without the head.
    static func backbone(_ tensors: [String: StateTensor]) -> [String: StateTensor] {
        tensors.filter { !$0.key.hasPrefix(ResNet.headPrefix) }
    }

    static func state(_ model: any Classifier) -> [String: StateTensor] {
        Dictionary(uniqueKeysWithValues: model.stateDict().map { ($0.name, $0.value) })
    }

    @Test func aPerseusCheckpointWithAnotherHeadGivesItsBackboneAndANewHead() throws {
        let root = try TinyRun.folder("finetune-head")
        let source = try Self.network(classes: 5, seed: 7)
        let file = root.appendingPathComponent("five.safetensors")
        try source.save(to: file, extra: ["perseus.epoch": "4"])
        let configuration = Self.configuration(initFrom: file)

        let model = try #require(try configuration.makeModel() as? ResNet)
        let lines = try configuration.applyInitialWeights(to: model)
        let loaded = Self.state(model), saved = try SafeTensors(contentsOf: file).tensors
        #expect(Self.backbone(loaded) == Self.backbone(saved))
        #expect(Self.backbone(loaded).count == 72, "every backbone parameter and buffer of a ResNet-10")
        // The head is the run's own seeded initialisation, not the file's 5-class one.
        let fresh = try #require(try configuration.makeModel() as? ResNet)
        #expect(model.fc.weight.shape == [2, 512])
        #expect(model.fc.weight.value == fresh.fc.weight.value && model.fc.bias!.value == fresh.fc.bias!.value)
        #expect(lines.first?.contains("fc.weight [5, 512] does not fit 2 classes: a new head") == true, "\(lines)")

        // A checkpoint whose head fits keeps it.
        let two = try Self.network(classes: 2, seed: 8)
        let fitting = root.appendingPathComponent("two.safetensors")
        try two.save(to: fitting)
        let other = try #require(try configuration.makeModel() as? ResNet)
        let result = try other.loadInitialWeights(SafeTensors(contentsOf: fitting), source: fitting.path)
        #expect(result.headLoaded)
        #expect(Self.state(other) == Self.state(two))
    }

    @Test func aTorchvisionStateDictWithAThousandClassesLoads() throws {
        let root = try TinyRun.folder("finetune-torchvision")
        // torchvision.models.resnet18().state_dict() as safetensors.torch.save_file writes it: torchvision's names,
        // F32 weights and statistics, I64 num_batches_tracked scalars, 1000 classes, no Perseus metadata.
        var tensors = Self.state(ResNet(.resnet18, classes: 1000, seed: 3))
        for name in tensors.keys where name.hasSuffix(".num_batches_tracked") {
            tensors[name] = .int64(shape: [], values: [42])
        }
        for name in ["conv1.weight", "bn1.running_mean", "layer1.0.conv1.weight", "layer2.0.downsample.0.weight",
                     "layer2.0.downsample.1.running_var", "layer4.1.bn2.num_batches_tracked", "fc.weight", "fc.bias"] {
            #expect(tensors[name] != nil, "torchvision's key \(name)")
        }
        #expect(tensors["fc.weight"]?.shape == [1000, 512])
        #expect(tensors.count == 122, "torchvision's resnet18 state_dict has 122 entries")
        let file = root.appendingPathComponent("torchvision-resnet18.safetensors")
        try SafeTensors(tensors: tensors).write(to: file)

        var configuration = Self.configuration(initFrom: file)
        configuration.model = .resnet18
        let model = try #require(try configuration.makeModel() as? ResNet)
        let lines = try configuration.applyInitialWeights(to: model)
        let loaded = Self.state(model)
        #expect(Self.backbone(loaded) == Self.backbone(tensors))
        #expect(loaded["layer3.1.bn1.num_batches_tracked"] == .int64(shape: [], values: [42]))
        #expect(model.fc.weight.shape == [2, 512])
        #expect(lines.first?.contains("120 backbone tensors") == true, "\(lines)")

        // The same file into a ResNet-10 run is refused by architecture, naming both.
        let resnet10 = try #require(try Self.configuration(initFrom: file).makeModel() as? ResNet)
        #expect { try resnet10.loadInitialWeights(SafeTensors(contentsOf: file), source: file.path) } throws: { error in
            let text = "\(error)"
            return text.contains(file.path) && text.contains("holds a resnet18") && text.contains("trains a resnet10")
        }
    }

    @Test func aWrongShapedBackboneTensorIsRefusedByNameWithBothShapes() throws {
        let root = try TinyRun.folder("finetune-shape")
        var tensors = Self.state(try Self.network(classes: 2, seed: 9))
        tensors["layer3.0.conv2.weight"] = .float32(Tensor.zeros([256, 256, 1, 1]))
        let file = root.appendingPathComponent("bad.safetensors")
        try SafeTensors(tensors: tensors).write(to: file)

        let configuration = Self.configuration(initFrom: file)
        let model = try #require(try configuration.makeModel() as? ResNet)
        let before = Self.state(model)
        #expect { try configuration.applyInitialWeights(to: model) } throws: { error in
            let text = "\(error)"
            return text.contains(file.path) && text.contains("layer3.0.conv2.weight has shape [256, 256, 1, 1]")
                && text.contains("the model needs [256, 256, 3, 3]")
        }
        #expect(Self.state(model) == before, "nothing is loaded from a file that does not fit")

        // Other input bands are refused before any tensor is compared.
        var grey = configuration
        grey.grey = true
        let good = root.appendingPathComponent("good.safetensors")
        try Self.network(classes: 2, seed: 9).save(to: good)
        grey.initFrom = good.path
        #expect { try grey.applyInitialWeights(to: grey.makeModel()) } throws: { error in
            "\(error)".contains("3 band(s) (conv1.weight [64, 3, 7, 7]), the run's has 1")
        }
    }

    @Test func theSettingsAreValidatedAndReadFromYAML() throws {
        var c = TrainingConfiguration()
        c.freezeBackbone = true
        #expect { try c.validate() } throws: { "\($0)".contains("freezeBackbone needs initFrom") }
        c.initFrom = "weights.pt"
        #expect { try c.validate() } throws: { "\($0)".contains("'weights.pt' is not a .safetensors file") }
        c.initFrom = "/models/resnet18.safetensors"
        try c.validate()
        let read = try TrainingConfiguration.load(yaml: "initFrom: /models/resnet18.safetensors\nfreezeBackbone: true\n",
                                                  source: "test.yaml")
        #expect(read == c)
        #expect(try TrainingConfiguration.load(yaml: c.yaml(), source: "round trip") == c)
    }

    /// Every training of these tests, run once, one after another, by whichever test comes first (the engine's
    /// cached primitives then stay on one thread; see the report of this branch).
    struct Runs: Sendable {
        let frozenStart: [String: StateTensor], frozenEnd: [String: StateTensor]
        let freshHead: [String: StateTensor], frozenOptimizer: [String], frozenLog: [String]
        let newHeadStartLoss: Double, newHeadStartAccuracy: Double
        let newHeadBestLoss: Double, newHeadEndAccuracy: Double
        let resumeStart: [String: StateTensor], resumeReference: [String: StateTensor]
        let referenceBytes: (last: Data, resume: Data), resumedBytes: (last: Data, resume: Data)
    }

    static let runs: Result<Runs, any Error> = Result {
        let root = try TinyRun.folder("finetune")
        let dataset = try TinyRun.dataset(in: root, count: 32)
        let pretrainedRun = try RunFolder.create(at: root.appendingPathComponent("pretrained"), force: false)
        _ = try TinyRun.trainer(TinyRun.configuration(epochs: 3), on: dataset, in: pretrainedRun).fit()

        // Frozen: a 3-class checkpoint (so a new head), two epochs.
        let start = try Self.network(classes: 3, seed: 12)
        let frozenFile = root.appendingPathComponent("frozen-start.safetensors")
        try start.save(to: frozenFile)
        let frozen = Self.configuration(initFrom: frozenFile, freeze: true, epochs: 2)
        let probe = try #require(try frozen.makeModel() as? ResNet)
        let frozenRun = try RunFolder.create(at: root.appendingPathComponent("frozen"), force: false)
        let frozenTrainer = TinyRun.trainer(frozen, on: dataset, in: frozenRun)
        final class Lines: @unchecked Sendable { var lines: [String] = [] }
        let log = Lines()
        frozenTrainer.report = { log.lines.append($0) }
        _ = try frozenTrainer.fit()

        // A new head on the pretrained backbone (its head replaced by a 3-class one), trained alone.
        var tensors = try SafeTensors(contentsOf: pretrainedRun.bestCheckpoint).tensors
        var rng = SeededGenerator(seed: 77)
        tensors["fc.weight"] = .float32(Tensor.uniform([3, 512], low: -0.05, high: 0.05, using: &rng))
        tensors["fc.bias"] = .float32(Tensor.zeros([3]))
        let newHeadFile = root.appendingPathComponent("pretrained-3-classes.safetensors")
        try SafeTensors(tensors: tensors).write(to: newHeadFile)
        var newHead = Self.configuration(initFrom: newHeadFile, freeze: true, epochs: 4)
        newHead.optimizer = .adam
        newHead.learningRate = 1e-2
        newHead.schedule = .constant
        let newHeadRun = try RunFolder.create(at: root.appendingPathComponent("new-head"), force: false)
        let newHeadTrainer = TinyRun.trainer(newHead, on: dataset, in: newHeadRun)
        let startModel = try #require(try newHead.makeModel() as? ResNet)
        _ = try newHead.applyInitialWeights(to: startModel)
        let preprocessing = try Preprocessing.measure(on: newHeadTrainer.training, inputSize: newHead.inputSize,
                                                      grey: false, channels: 3)
        let before = try predict(startModel, on: newHeadTrainer.validation, preprocessing: preprocessing)
        let outcome = try newHeadTrainer.fit()
        let after = try predict(ResNet(contentsOf: newHeadRun.bestCheckpoint), on: newHeadTrainer.validation,
                                preprocessing: preprocessing)

        // Resume, not frozen: an uninterrupted run, and one stopped after epoch 2 whose init file is then deleted.
        let resumeFile = root.appendingPathComponent("resume-start.safetensors")
        try FileManager.default.copyItem(at: pretrainedRun.bestCheckpoint, to: resumeFile)
        let resumeStart = try SafeTensors(contentsOf: resumeFile).tensors
        let full = Self.configuration(initFrom: resumeFile, epochs: 3)
        let reference = try RunFolder.create(at: root.appendingPathComponent("resume-reference"), force: false)
        _ = try TinyRun.trainer(full, on: dataset, in: reference).fit()
        let resumed = try RunFolder.create(at: root.appendingPathComponent("resumed"), force: false)
        _ = try TinyRun.trainer(Self.configuration(initFrom: resumeFile, epochs: 2), on: dataset, in: resumed).fit()
        try FileManager.default.removeItem(at: resumeFile)
        _ = try TinyRun.trainer(full, on: dataset, in: resumed).fit(resume: true)

        return Runs(frozenStart: try SafeTensors(contentsOf: frozenFile).tensors,
                    frozenEnd: try SafeTensors(contentsOf: frozenRun.lastCheckpoint).tensors,
                    freshHead: Self.state(probe).filter { $0.key.hasPrefix(ResNet.headPrefix) },
                    frozenOptimizer: frozen.makeOptimizer(for: probe).parameters.map(\.name), frozenLog: log.lines,
                    newHeadStartLoss: before.loss, newHeadStartAccuracy: before.accuracy(),
                    newHeadBestLoss: outcome.bestValidationLoss, newHeadEndAccuracy: after.accuracy(),
                    resumeStart: resumeStart,
                    resumeReference: try SafeTensors(contentsOf: reference.lastCheckpoint).tensors,
                    referenceBytes: (try TinyRun.tensorBytes(reference.lastCheckpoint), try TinyRun.tensorBytes(reference.resumeState)),
                    resumedBytes: (try TinyRun.tensorBytes(resumed.lastCheckpoint), try TinyRun.tensorBytes(resumed.resumeState)))
    }

    /// After a few steps with a frozen backbone every backbone tensor (weights and running statistics) is bit for
    /// bit the file's, while the head has changed; the optimizer holds the head alone.
    @Test func aFrozenBackboneStaysBitIdenticalWhileTheHeadLearns() throws {
        let runs = try Self.runs.get()
        #expect(runs.frozenOptimizer == ["fc.weight", "fc.bias"])
        #expect(Self.backbone(runs.frozenEnd).count == 72)
        #expect(Self.backbone(runs.frozenEnd) == Self.backbone(runs.frozenStart))
        #expect(runs.freshHead.count == 2)
        for (name, value) in runs.freshHead { #expect(runs.frozenEnd[name] != value, "\(name) trained") }
        #expect(runs.frozenLog.contains { $0.hasPrefix("backbone frozen: training the head only (1026 of") }, "\(runs.frozenLog)")
    }

    /// A new head on the pretrained backbone, trained alone, lowers the validation loss from where it started.
    @Test func fineTuningANewHeadLowersTheValidationLoss() throws {
        let runs = try Self.runs.get()
        #expect(runs.newHeadBestLoss < runs.newHeadStartLoss * 0.8,
                "validation loss from \(runs.newHeadStartLoss) to \(runs.newHeadBestLoss)")
        #expect(runs.newHeadEndAccuracy >= runs.newHeadStartAccuracy,
                "accuracy from \(runs.newHeadStartAccuracy) to \(runs.newHeadEndAccuracy)")
    }

    /// A fine-tuning run resumed after its init file is gone ends exactly as an uninterrupted one: the resume file
    /// holds the weights, and `initFrom` is not applied over them.
    @Test func aFineTuningRunResumesWithoutReapplyingItsInitialWeights() throws {
        let runs = try Self.runs.get()
        // Not frozen: the backbone moved away from the file (what a re-applied init would undo).
        #expect(Self.backbone(runs.resumeReference) != Self.backbone(runs.resumeStart))
        #expect(runs.resumedBytes.last == runs.referenceBytes.last)
        #expect(runs.resumedBytes.resume == runs.referenceBytes.resume)
    }
}

/// Layer-wise learning-rate decay and frozen stages (`layerDecay`, `freezeStages`).
@Suite struct StageFineTuningTests {
    /// The head at the full rate, each earlier stage times the decay once more; an optimizer step with a scale is
    /// the step at the scaled rate; the settings read from YAML and are validated.
    @Test func layerDecayScalesEachStagesRate() throws {
        var c = TinyRun.configuration()
        c.layerDecay = 0.5
        #expect(c.learningRateScale(of: "fc.weight") == 1)
        #expect(c.learningRateScale(of: "layer4.0.conv1.weight") == 0.5)
        #expect(c.learningRateScale(of: "layer1.0.bn2.bias") == 0.0625)
        #expect(c.learningRateScale(of: "conv1.weight") == 0.03125 && c.learningRateScale(of: "bn1.weight") == 0.03125)
        let model = ResNet(.resnet10, classes: 2, seed: 1)
        let optimizer = c.makeOptimizer(for: model)
        let scales = Dictionary(uniqueKeysWithValues: zip(optimizer.parameters.map(\.name), optimizer.learningRateScales))
        #expect(scales["fc.bias"] == 1 && scales["layer3.0.conv1.weight"] == 0.25)

        for momentum: Float in [0, 0.9] {
            func stepped(scale: Float, rate: Float) throws -> Tensor {
                let p = Variable(Tensor(shape: [3], scalars: [1, -2, 0.5]), requiresGrad: true)
                p.grad = Tensor(shape: [3], scalars: [0.3, 0.1, -0.2])
                let sgd = SGD(parameters: [("p", p)], learningRate: rate, momentum: momentum, weightDecay: 0.01, nesterov: momentum > 0)
                sgd.learningRateScales = [scale]
                try sgd.step()
                try sgd.step()
                return p.value
            }
            #expect(try stepped(scale: 0.5, rate: 0.2) == stepped(scale: 1, rate: 0.1))
        }

        let read = try TrainingConfiguration.load(yaml: "initFrom: /m/a.safetensors\nlayerDecay: 0.7\nfreezeStages: [stem, layer1]\n", source: "t.yaml")
        #expect(read.layerDecay == 0.7 && read.freezeStages == [.stem, .layer1])
        #expect(try TrainingConfiguration.load(yaml: read.yaml(), source: "again") == read)
        var bad = TinyRun.configuration()
        bad.freezeStages = [.stem]
        #expect { try bad.validate() } throws: { "\($0)".contains("freezeStages needs initFrom") }
        bad = TinyRun.configuration()
        bad.layerDecay = 1.5
        #expect { try bad.validate() } throws: { "\($0)".contains("layerDecay") }
    }

    /// Fine-tuning with the stem and layer1 frozen: their weights and batch-norm statistics stay bit for bit the
    /// starting file's, while later stages and the head learn.
    @Test func frozenStagesStayAsTheyStarted() throws {
        let root = try TinyRun.folder("freeze-stages")
        defer { try? FileManager.default.removeItem(at: root) }
        let dataset = try TinyRun.dataset(in: root)
        let start = try FineTuningTests.network(classes: 2, seed: 21)
        let file = root.appendingPathComponent("start.safetensors")
        try start.save(to: file)
        var c = FineTuningTests.configuration(initFrom: file, epochs: 1)
        c.freezeStages = [.stem, .layer1]
        c.layerDecay = 0.7
        let run = try RunFolder.create(at: root.appendingPathComponent("run"), force: false)
        _ = try TinyRun.trainer(c, on: dataset, in: run).fit()
        let before = try SafeTensors(contentsOf: file).tensors, after = try SafeTensors(contentsOf: run.lastCheckpoint).tensors
        let frozenStages: Set<ResNetStage> = [.stem, .layer1]
        let frozen = before.keys.filter { (name: String) -> Bool in
            guard let stage = ResNetStage(parameterName: name) else { return false }
            return frozenStages.contains(stage)
        }
        #expect(frozen.count > 10)
        for name in frozen { #expect(after[name] == before[name], "\(name) stays") }
        for name in ["layer4.0.conv1.weight", "layer2.0.bn1.running_mean", "fc.weight"] { #expect(after[name] != before[name], "\(name) learns") }
    }
}
