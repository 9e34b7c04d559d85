import Dataset
import Foundation
import NN
import Tensor
import Yams

/// Everything that determines a training run. Defaults are the study's report (ResNet from scratch, batch 20,
/// SGD with exponential learning-rate decay, x15 rotations, early stopping on validation loss); every field can be
/// set from a YAML file (`--config`) and then from command-line options, in that order.
public struct TrainingConfiguration: Codable, Equatable, Sendable {
    /// Architecture: a ResNet, or vit-tiny (a small vision transformer, patch 8, at the input size).
    public var model = Architecture.resnet18
    /// The classes the network tells apart, label 0 first: the dataset's (`train` copies them); the head has one
    /// output per class. A config.yaml without them is a membership run: background, member.
    public var classes = ClassList.memberNames
    /// Side of the square network input in pixels; cutouts are resized (area-averaged down) to it.
    public var inputSize = 200
    /// Train on one grey plane instead of three colour planes.
    public var grey = false
    /// Input bands: 0 follows the images (3 for colour cutouts, N for an N-band FITS cube); `train` resolves it.
    public var channels = 0
    /// Per-band stretch before the normalisation; `train` resolves auto.
    public var stretch = StretchKind.auto
    public var epochs = 200
    /// Stop after this many optimizer steps in all, cutting the epoch under way short (it is still validated and
    /// committed); 0: no limit. For benchmarks and smoke tests: the schedule still spans `epochs`.
    public var maxSteps = 0
    public var batchSize = 20
    public var seed: UInt64 = 1

    public var optimizer = OptimizerKind.sgd
    public var learningRate: Float = 0.08
    public var momentum: Float = 0
    public var nesterov = false
    public var weightDecay: Float = 0
    public var schedule = ScheduleKind.exponential
    /// Exponential: lr0 * decayRate^(step / decaySteps). Step: lr0 * decayRate^floor(step / decaySteps).
    public var decayRate: Float = 0.9
    /// Steps per decay period; 0 means one epoch of steps.
    public var decaySteps = 0
    public var staircase = false
    /// Cosine: epochs of linear warm-up before the decay.
    public var warmupEpochs = 0
    public var gradientClipNorm: Float = 0
    /// Validate and save an exponential moving average of the weights (see `WeightAverage`) with this decay per
    /// step, e.g. 0.995; 0 for the live weights.
    public var emaDecay: Float = 0

    /// Stop when the validation loss has not improved for this many epochs (0: never), restoring the best weights.
    public var patience = 20
    public var augmentation = AugmentationKind.rotations
    /// How many times each object at or brighter than `brightMagnitude` is drawn per training epoch (1: once, like
    /// every other object). With every magnitude in training, nineteen in twenty objects are faint, and the catalogue
    /// model judges those better than the images can; repeating the bright ones spends the network on them.
    public var brightRepeats = 1
    public var brightMagnitude = 19.4
    /// Per-class loss weights (index = label); empty for none.
    public var classWeights: [Float] = []
    public var labelSmoothing: Float = 0
    /// Weight of a second loss on the objects' catalogue classes (see `AuxiliaryTarget`; ResNets only); 0 for none.
    public var auxiliaryWeight: Float = 0
    /// Weight of a regression loss on the objects' catalogue parameters, standardised (see `ParameterTarget`;
    /// ResNets only); 0 for none.
    public var parameterWeight: Float = 0
    /// Distillation: the membership loss becomes (1 - w) x the labels' cross-entropy + w x the cross-entropy against
    /// a teacher's probabilities (the catalogue model's trees, out-of-fold over the training split: see
    /// `CatalogueTeacher`), so the network learns from pixels what the catalogue's parameters say; the network
    /// still predicts from pixels alone. 0 for none; membership datasets prepared with parameters only.
    public var distillationWeight: Float = 0
    /// The object's magnitude as one more input plane after the bands (constant over the image; normalised with
    /// the bands), so the network can weigh what it sees against how bright the object is: every survey measures
    /// it, unlike the catalogue's parameters. Every object then needs a magnitude.
    public var magnitudeInput = false
    /// Threads for the engine; 0 means all cores.
    public var threads = 0
    /// The arithmetic of the convolutions in training steps: fp32, or bf16 (AVX512_BF16) with fp32 master weights.
    /// Validation and everything after training run in fp32.
    public var precision = TrainingPrecision.fp32
    /// Also fit the catalogue model (`CatalogueModel`): boosted trees on the catalogue's magnitude and parameters,
    /// combined with the network on the validation split. Needs a dataset prepared with parameters.
    public var catalogueModel = false

    /// Fine-tuning: a safetensors state dict (a run's best/last.safetensors, or torchvision's ResNet) whose weights
    /// the network starts from; empty to start from a random initialisation. See FineTuning.swift.
    public var initFrom = ""
    /// Train only the head (`fc`); the backbone's weights and batch-norm statistics stay as `initFrom` has them.
    public var freezeBackbone = false
    /// Layer-wise learning-rate decay (ResNets): the head trains at `learningRate`, layer4 at it times this, each
    /// earlier stage (layer3, layer2, layer1, the stem) times this once more. 1: one rate for all.
    public var layerDecay: Float = 1
    /// ResNet stages whose weights and batch-norm statistics stay as `initFrom` has them (stem, layer1 ... layer4).
    public var freezeStages: [ResNetStage] = []

    public init() {}

    /// Checks values a run cannot start with; the message says what to fix.
    public func validate() throws {
        func fail(_ message: String) -> ConfigurationError { ConfigurationError(message: message) }
        guard classes.count >= 2, Set(classes).count == classes.count else {
            throw fail("classes \(classes) must name two or more distinct classes")
        }
        guard inputSize >= 32 else { throw fail("inputSize \(inputSize) is too small; use 32 or more") }
        guard epochs >= 1, batchSize >= 1 else { throw fail("epochs and batchSize must be at least 1") }
        guard brightRepeats >= 1 else { throw fail("brightRepeats must be at least 1 (1: bright objects drawn once, like the rest)") }
        guard channels >= 0 else { throw fail("channels cannot be negative (0 follows the images)") }
        guard learningRate > 0, learningRate.isFinite else { throw fail("learningRate must be positive") }
        guard (0..<1).contains(labelSmoothing) else { throw fail("labelSmoothing must be in [0, 1)") }
        guard auxiliaryWeight >= 0, auxiliaryWeight.isFinite else { throw fail("auxiliaryWeight cannot be negative (0: no auxiliary target)") }
        guard auxiliaryWeight == 0 || (model.resnet != nil && !freezeBackbone) else {
            throw fail("auxiliaryWeight: the auxiliary target trains a ResNet's backbone, so it needs a resnet model and no freezeBackbone")
        }
        guard distillationWeight >= 0, distillationWeight <= 1 else {
            throw fail("distillationWeight must be in 0...1 (0: no distillation; 1: the teacher's probabilities alone)")
        }
        guard distillationWeight == 0 || classes.count == 2 else {
            throw fail("distillationWeight: the teacher judges membership, and this run has \(classes.count) classes")
        }
        guard parameterWeight >= 0, parameterWeight.isFinite else { throw fail("parameterWeight cannot be negative (0: no parameter target)") }
        guard parameterWeight == 0 || (model.resnet != nil && !freezeBackbone) else {
            throw fail("parameterWeight: the parameter target trains a ResNet's backbone, so it needs a resnet model and no freezeBackbone")
        }
        guard (0..<1).contains(emaDecay) else { throw fail("emaDecay must be in [0, 1) (0: no weight averaging)") }
        guard !nesterov || momentum > 0 else { throw fail("nesterov needs momentum > 0") }
        guard threads >= 0, patience >= 0, decaySteps >= 0, warmupEpochs >= 0, maxSteps >= 0 else {
            throw fail("threads, patience, decaySteps, warmupEpochs and maxSteps cannot be negative")
        }
        guard initFrom.isEmpty || initFrom.hasSuffix(".safetensors") else {
            throw fail("initFrom '\(initFrom)' is not a .safetensors file (a run's best.safetensors, or a saved torchvision state dict)")
        }
        guard initFrom.isEmpty || model.resnet != nil else {
            throw fail("initFrom: fine-tuning starts ResNets only, and \(model) is not one")
        }
        guard !freezeBackbone || !initFrom.isEmpty else {
            throw fail("freezeBackbone needs initFrom: a frozen random backbone would never learn features")
        }
        guard layerDecay > 0, layerDecay <= 1 else { throw fail("layerDecay \(layerDecay) must be in (0, 1] (1: no decay; 0.7 is usual)") }
        guard freezeStages.isEmpty || (!initFrom.isEmpty && model.resnet != nil) else {
            throw fail("freezeStages needs initFrom and a resnet model: frozen random stages would never learn features")
        }
        guard layerDecay == 1 || model.resnet != nil else { throw fail("layerDecay: stages are a ResNet's; \(model) has none") }
    }
}

extension TrainingConfiguration {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case model, classes, inputSize, grey, channels, stretch, epochs, maxSteps, batchSize, seed, optimizer, learningRate, momentum, nesterov,
             weightDecay, schedule, decayRate, decaySteps, staircase, warmupEpochs, gradientClipNorm, emaDecay, patience,
             augmentation, brightRepeats, brightMagnitude, classWeights, labelSmoothing, auxiliaryWeight, parameterWeight, distillationWeight, magnitudeInput, threads, precision, catalogueModel, initFrom,
             freezeBackbone, layerDecay, freezeStages
    }

    /// Missing keys keep their defaults, so a YAML file names only what it changes.
    public init(from decoder: Decoder) throws {
        self = decoder.userInfo[Self.baseKey] as? TrainingConfiguration ?? TrainingConfiguration()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func read<T: Decodable>(_ key: CodingKeys, _ field: inout T) throws {
            if let value = try c.decodeIfPresent(T.self, forKey: key) { field = value }
        }
        /// A setting with fixed choices: any other value is refused with the setting's name and the choices.
        func choose<T: RawRepresentable & CaseIterable>(_ key: CodingKeys, _ field: inout T) throws where T.RawValue == String {
            guard let text = try c.decodeIfPresent(String.self, forKey: key) else { return }
            guard let value = T(rawValue: text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription:
                    "unknown \(key.stringValue) '\(text)'; choose one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            field = value
        }
        try choose(.model, &model); try read(.classes, &classes); try read(.inputSize, &inputSize); try read(.grey, &grey)
        try read(.channels, &channels); try choose(.stretch, &stretch)
        try read(.epochs, &epochs); try read(.maxSteps, &maxSteps); try read(.batchSize, &batchSize); try read(.seed, &seed)
        try choose(.optimizer, &optimizer); try read(.learningRate, &learningRate); try read(.momentum, &momentum)
        try read(.nesterov, &nesterov); try read(.weightDecay, &weightDecay); try choose(.schedule, &schedule)
        try read(.decayRate, &decayRate); try read(.decaySteps, &decaySteps); try read(.staircase, &staircase)
        try read(.warmupEpochs, &warmupEpochs); try read(.gradientClipNorm, &gradientClipNorm)
        try read(.emaDecay, &emaDecay)
        try read(.patience, &patience); try choose(.augmentation, &augmentation)
        try read(.brightRepeats, &brightRepeats); try read(.brightMagnitude, &brightMagnitude)
        try read(.classWeights, &classWeights); try read(.labelSmoothing, &labelSmoothing)
        try read(.auxiliaryWeight, &auxiliaryWeight); try read(.parameterWeight, &parameterWeight)
        try read(.distillationWeight, &distillationWeight); try read(.magnitudeInput, &magnitudeInput)
        try read(.threads, &threads); try choose(.precision, &precision); try read(.catalogueModel, &catalogueModel)
        try read(.initFrom, &initFrom); try read(.freezeBackbone, &freezeBackbone)
        try read(.layerDecay, &layerDecay); try read(.freezeStages, &freezeStages)
    }

    /// Where `init(from:)` finds the configuration that the decoded keys override.
    static let baseKey = CodingUserInfoKey(rawValue: "perseus.base-configuration")!

    /// Reads a YAML file of overrides applied over `base`. Unknown keys and wrong types are refused with the key's name.
    public static func load(yaml text: String, source: String,
                            over base: TrainingConfiguration = TrainingConfiguration()) throws -> TrainingConfiguration {
        let node: Any?
        do { node = try Yams.load(yaml: text) } catch {
            throw ConfigurationError(message: "\(source): not valid YAML: \(error)")
        }
        guard let node else { return base }
        guard let mapping = node as? [String: Any] else {
            throw ConfigurationError(message: "\(source): expected a mapping of settings (key: value)")
        }
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        if let unknown = mapping.keys.sorted().first(where: { !known.contains($0) }) {
            throw ConfigurationError(message:
                "\(source): unknown setting '\(unknown)'; known settings: \(known.sorted().joined(separator: ", "))")
        }
        do {
            // The decoder starts from `base` and reads only the keys the file names.
            return try YAMLDecoder().decode(TrainingConfiguration.self, from: text, userInfo: [Self.baseKey: base])
        } catch let DecodingError.typeMismatch(type, context), let DecodingError.valueNotFound(type, context) {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ConfigurationError(message: "\(source): '\(key)' should be a \(type)")
        } catch let DecodingError.dataCorrupted(context) {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ConfigurationError(message: "\(source): '\(key)': \(context.debugDescription)")
        }
    }

    public func yaml() throws -> String { try YAMLEncoder().encode(self) }
}

extension TrainingConfiguration {
    /// Perseus's own recipe for small inputs: 64x64 (about SDSS's native 0.3"/px over the study's 20" field),
    /// online rotations and flips, SGD with Nesterov momentum and weight decay, cosine decay after a warm-up, gradients
    /// clipped (a few hundred objects make a noisy gradient: at 0.05 without clipping one seed diverged), bright
    /// objects drawn four times per epoch beside the faint ones (docs/results.md: spectroscopic accuracy 0.928 -> 0.956
    /// in cross-validation), and the catalogue model.
    public static var recipe: TrainingConfiguration {
        var c = TrainingConfiguration()
        c.model = .resnet18
        c.inputSize = 64
        c.epochs = 12
        c.batchSize = 32
        c.learningRate = 0.02
        c.momentum = 0.9
        c.nesterov = true
        c.weightDecay = 5e-4
        c.schedule = .cosine
        c.warmupEpochs = 2
        c.gradientClipNorm = 5
        c.augmentation = .online
        c.patience = 0
        c.catalogueModel = true
        c.brightRepeats = 4
        return c
    }
}
