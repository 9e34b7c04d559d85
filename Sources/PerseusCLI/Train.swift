import ArgumentParser
import Dataset
import Files
import Foundation
import NN
import Tensor
import Runs
import Training

/// `perseus train`: a ResNet or vit-tiny on a prepared dataset, from Perseus's recipe (or the study's).
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a ResNet or a small vision transformer (vit-tiny) on a prepared dataset (`perseus prepare`); resumable.",
        discussion: """
            Defaults are Perseus's recipe (--recipe perseus: ResNet-18 at 64x64, 12 epochs, online rotations and \
            flips, SGD with Nesterov momentum and cosine decay, bright objects drawn four times per epoch, and the \
            catalogue model when the dataset has parameters). --recipe study starts from the study's settings \
            instead (200x200, 200 epochs, batch 20, the x15 rotations, SGD with exponential learning-rate decay, \
            early stopping on validation loss with patience 20). The network has one output per class of the \
            dataset (classes.txt; background and member by default). A YAML file (--config) \
            can set any field of the run configuration; options given here override it. The run folder gets \
            config.yaml (every field, resolved), metrics.csv, best.safetensors, last.safetensors, \
            resume.safetensors and train.log. Fields beyond the options below include emaDecay (validate and save \
            a moving average of the weights), auxiliaryWeight (the catalogue classes as a second target), \
            parameterWeight (the catalogue's parameters, standardised, as regression targets), \
            magnitudeInput (the object's magnitude as one more input plane), distillationWeight (soft targets from \
            the catalogue trees' out-of-fold probabilities), \
            brightRepeats and classWeights; docs/results.md measures each. \
            --init NAME|FILE fine-tunes: the network starts from a shipped model (`perseus models`), a run's \
            checkpoint or a torchvision ResNet's weights (a new head when the classes differ); --freeze-backbone \
            then trains the head alone, --freeze stem,layer1 keeps those stages fixed, and --layer-decay 0.7 trains \
            each stage at 0.7 times the rate of the one after it (the head at the full rate).
            """)

    @Option(help: "Prepared dataset folder (from `perseus prepare`).") var data: String
    @Option(help: "Run folder to create (or to continue with --resume).") var out: String
    @Option(help: "Starting settings: perseus (the default and the better: 64x64, 12 epochs, online rotations and flips, SGD with Nesterov momentum, cosine decay, bright objects drawn four times per epoch, and the catalogue model) or study (the study's, to reproduce it: 200x200, 200 epochs, x15 rotations, SGD with exponential decay, batch 20).") var recipe: Recipe = .default
    @Option(help: "YAML file of run settings (any field of the run configuration), applied over the recipe.") var config: String?
    @Option(help: "Architecture (vit-tiny: a small vision transformer).") var model: Architecture?
    @Option(help: "Network input side in pixels; cutouts are area-resized to it (200 keeps 0.1\"/px; 50 is SDSS's native 0.4\"/px).") var size: Int?
    @Flag(help: "Train on greyscale images.") var grey = false
    @Option(help: "Input bands (default: as many as the cutouts have: 3 for colour images, N for an N-band FITS cube).") var channels: Int?
    @Option(help: "Per-band stretch before normalising (auto: asinh for FITS cutouts).") var stretch: StretchKind?
    @Option(help: "Maximum number of epochs.") var epochs: Int?
    @Option(help: "Stop after this many optimizer steps in all (the epoch under way is cut short, then validated and saved); for benchmarks. Default: no limit.") var maxSteps: Int?
    @Option(help: "Batch size.") var batch: Int?
    @Option(help: "Initial learning rate.") var learningRate: Float?
    @Option(help: "Random seed (weights, order, augmentation).") var seed: UInt64?
    @Option(help: "Augmentation: the study's x15 rotations, online (a random angle and flips per draw), or none.") var augmentation: AugmentationKind?
    @Option(help: "Early-stopping patience in epochs (0: off).") var patience: Int?
    @Option(help: "Threads (default: all cores).") var threads: Int?
    @Option(help: "Arithmetic of the training steps' convolutions: fp32, or bf16 (AVX512_BF16; fp32 master weights and gradients). Validation and the saved model are fp32.") var precision: TrainingPrecision?
    @Option(name: .customLong("init"), help: ArgumentHelp("Start from these weights (fine-tuning): a shipped model's name (`perseus models`), a run's best.safetensors or a torchvision ResNet state dict saved as safetensors. The backbone must match the model and bands; the head is kept only if it fits the classes, else a new one is made. Normalisation is measured on this run's data.", valueName: "name|file.safetensors")) var initFrom: String?
    @Flag(help: "With --init: train only the head; the backbone's weights and batch-norm statistics stay fixed.") var freezeBackbone = false
    @Option(name: .customLong("freeze"), help: ArgumentHelp("With --init: ResNet stages to keep fixed (weights and batch-norm statistics), comma-separated: \(ResNetStage.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "stages")) var freezeStages: String?
    @Option(help: "Layer-wise learning-rate decay: the head at the learning rate, layer4 at it times this, each earlier stage times this again (e.g. 0.7; 1: off).") var layerDecay: Float?
    @Flag(help: "Continue the run in --out from its last finished epoch.") var resume = false
    @Flag(help: "Replace an existing run folder.") var force = false

    /// `base`, then the --config file, then the options given here.
    func resolved(from base: TrainingConfiguration) throws -> TrainingConfiguration {
        var c = base
        if let config {
            let url = URL(fileURLWithPath: config)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw ValidationError("cannot read --config \(config)")
            }
            c = try TrainingConfiguration.load(yaml: text, source: config, over: c)
        }
        if let model { c.model = model }
        if let size { c.inputSize = size }
        if grey { c.grey = true }
        if let channels { c.channels = channels }
        if let stretch { c.stretch = stretch }
        if let epochs { c.epochs = epochs }
        if let maxSteps { c.maxSteps = maxSteps }
        if let batch { c.batchSize = batch }
        if let learningRate { c.learningRate = learningRate }
        if let seed { c.seed = seed }
        if let augmentation { c.augmentation = augmentation }
        if let patience { c.patience = patience }
        if let threads { c.threads = threads }
        if let precision { c.precision = precision }
        if let initFrom { c.initFrom = initFrom }
        if freezeBackbone { c.freezeBackbone = true }
        if let freezeStages {
            c.freezeStages = try freezeStages.split(separator: ",").map { name in
                let trimmed = name.trimmingCharacters(in: .whitespaces)
                guard let stage = ResNetStage(rawValue: trimmed) else {
                    throw ValidationError("--freeze: '\(trimmed)' is no stage; choose from \(ResNetStage.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return stage
            }
        }
        if let layerDecay { c.layerDecay = layerDecay }
        // A shipped model's name resolves to its file, checked against its checksum.
        if !c.initFrom.isEmpty, !FileManager.default.fileExists(atPath: c.initFrom), !c.initFrom.contains("/"), !c.initFrom.hasSuffix(".safetensors") {
            c.initFrom = try ModelRegistry.resolve(c.initFrom)
        }
        // Recorded absolute, so the run's config.yaml names the file wherever the run is continued from.
        if !c.initFrom.isEmpty { c.initFrom = URL(fileURLWithPath: c.initFrom).standardizedFileURL.path }
        try c.validate()
        return c
    }

    func run() throws {
        let url = URL(fileURLWithPath: out)
        let dataset = try PreparedDataset.load(from: URL(fileURLWithPath: data))
        let runFolder: RunFolder
        var configuration: TrainingConfiguration
        if resume {
            runFolder = try RunFolder.open(url)
            let saved = try TrainingConfiguration.load(
                yaml: String(contentsOf: runFolder.configuration, encoding: .utf8), source: runFolder.configuration.path)
            // A resumed run keeps its settings; only --epochs (train longer), --max-steps and --threads may change.
            configuration = try resolved(from: saved)
            let changed = configuration.changedSettings(from: saved)
            guard changed.isEmpty else {
                throw ValidationError("--resume continues \(out) with its own settings; it cannot change \(changed.joined(separator: ", ")). Drop those options, or start a new run with another --out")
            }
            if configuration != saved { try AtomicFile.write(Data(configuration.yaml().utf8), to: runFolder.configuration) }
        } else {
            configuration = try resolved(from: recipe.configuration)
            if !configuration.initFrom.isEmpty, !FileManager.default.fileExists(atPath: configuration.initFrom) {
                throw ValidationError("--init \(configuration.initFrom) does not exist")
            }
            try configuration.resolveBands(from: dataset)
            configuration.resolveClasses(from: dataset)
            runFolder = try RunFolder.create(at: url, force: force)
            try AtomicFile.write(Data(configuration.yaml().utf8), to: runFolder.configuration)
        }
        _ = try train(configuration, on: dataset, in: runFolder, resume: resume)
    }
}
