import Dataset
import Autodiff
import Foundation
import NN

/// What starting from another network's weights (`initFrom`) loaded.
public struct InitialWeights: Sendable, Equatable {
    /// Backbone entries (parameters and batch-norm buffers: everything but `fc`) taken from the file.
    public var backboneTensors: Int
    /// Whether the file's head fitted this network's classes and was taken; otherwise the network keeps its own,
    /// freshly initialised head.
    public var headLoaded: Bool
    /// The file's `fc.weight` shape, if it has one.
    public var fileHead: [Int]?
}

extension ResNet {
    /// The names of the head's parameters: the classifier a fine-tuning run may replace or train alone.
    public static let headPrefix = "fc."

    /// Starts this network from a ResNet state dict: a Perseus checkpoint, or torchvision's keys (for example
    /// `safetensors.torch.save_file(torchvision.models.resnet18().state_dict(), path)`, 1000 classes). The backbone
    /// must match exactly (same architecture and input bands; every tensor by name, dtype and shape) or nothing is
    /// changed and the error names the tensor and both shapes. The head is taken only when its shape fits this
    /// network's classes; otherwise this network's own head is kept (a new head for new classes).
    @discardableResult
    public func loadInitialWeights(_ file: SafeTensors, source: String) throws -> InitialWeights {
        func refuse(_ detail: String) -> CheckpointError { .mismatch(file: source, detail) }
        let recorded = file.metadata[MetadataKey.architecture].flatMap(ResNetArchitecture.init(name:))
        if let theirs = recorded ?? ResNetArchitecture(stateKeys: file.tensors.keys), theirs != architecture {
            throw refuse("it holds a \(theirs), the run trains a \(architecture); set the model to \(theirs)")
        }
        if let stem = file.tensors["conv1.weight"], stem.shape.count == 4, stem.shape[1] != inputChannels {
            throw refuse("its input has \(stem.shape[1]) band(s) (conv1.weight \(stem.shape)), the run's has \(inputChannels) (conv1.weight \(conv1.weight.shape)); fine-tuning needs the same input bands")
        }
        let ownHead = namedParameters().filter { $0.name.hasPrefix(Self.headPrefix) }
        let headFits = ownHead.allSatisfy { name, p in
            file.tensors[name]?.dtype == .float32 && file.tensors[name]?.shape == p.value.shape
        }
        var state = file.tensors
        if !headFits {
            for (name, p) in ownHead { state[name] = .float32(p.value) }
        }
        try loadStateDict(state, source: source)
        return InitialWeights(backboneTensors: state.keys.filter { !$0.hasPrefix(Self.headPrefix) }.count,
                              headLoaded: headFits, fileHead: file.tensors["fc.weight"]?.shape)
    }

    /// Backbone modules in evaluation mode (batch norm normalises with, and no longer updates, its running
    /// statistics), the head in training mode: call after `train()` when the backbone is frozen.
    public func freezeBackboneStatistics() {
        for (name, module) in namedModules() where !name.isEmpty && name + "." != Self.headPrefix {
            module.isTraining = false
        }
    }

    /// Logits with the backbone run as a fixed feature extractor: no graph is recorded through it (so backward
    /// only reaches the head, and the fused inference kernels apply), then the head on a detached copy.
    public func headOnFrozenBackbone(_ x: Variable) throws -> Variable {
        let features = try withNoGrad { try self.features(x) }
        return try head(Variable(features.value))
    }
}

extension ResNetStage {
    /// The stage a ResNet parameter or module belongs to by its name (`conv1.weight`, `layer2.0.bn1.bias`); nil
    /// for the head (`fc`) and anything else.
    public init?(parameterName name: String) {
        let first = name.split(separator: ".").first.map(String.init) ?? ""
        if ["conv1", "bn1", "relu", "maxpool"].contains(first) { self = .stem; return }
        guard let stage = ResNetStage(rawValue: first), stage != .stem else { return nil }
        self = stage
    }
}

extension ResNet {
    /// Puts the frozen stages' modules in evaluation mode (batch norm keeps its running statistics): call after
    /// `train()`.
    public func freezeStatistics(of stages: Set<ResNetStage>) {
        for (name, module) in namedModules() where ResNetStage(parameterName: name).map(stages.contains) == true {
            module.isTraining = false
        }
    }
}

extension TrainingConfiguration {
    /// The parameters the optimizer updates: only the head's when the backbone is frozen, none of a frozen stage.
    func trainableParameters(of model: any Classifier) -> [(name: String, variable: Variable)] {
        let all = model.namedParameters()
        if freezeBackbone { return all.filter { $0.name.hasPrefix(ResNet.headPrefix) } }
        let frozen = Set(freezeStages)
        return all.filter { ResNetStage(parameterName: $0.name).map(frozen.contains) != true }
    }

    /// Each parameter's learning-rate multiplier under `layerDecay`: 1 for the head (and anything outside the
    /// stages), layerDecay^k for the stage k steps before it (layer4: 1 step, the stem: 5).
    func learningRateScale(of name: String) -> Float {
        guard layerDecay != 1, let stage = ResNetStage(parameterName: name) else { return 1 }
        return pow(layerDecay, Float(ResNetStage.allCases.count - stage.depth))
    }

    /// Loads `initFrom` into a fresh `model` and says what was loaded, in lines for the run's log.
    func applyInitialWeights(to model: any Classifier) throws -> [String] {
        guard !initFrom.isEmpty else { return [] }
        guard let model = model as? ResNet else {
            throw ConfigurationError(message: "initFrom: fine-tuning starts ResNets only, and \(self.model.rawValue) is not one")
        }
        let url = URL(fileURLWithPath: initFrom)
        let loaded = try model.loadInitialWeights(SafeTensors(contentsOf: url), source: initFrom)
        var lines = ["initialised from \(initFrom): \(loaded.backboneTensors) backbone tensors"]
        if loaded.headLoaded {
            lines[0] += " and its head (fc.weight \(model.fc.weight.shape))"
        } else {
            let theirs = loaded.fileHead.map { "its head fc.weight \($0)" } ?? "it has no head"
            lines[0] += "; \(theirs) does not fit \(model.classes) classes: a new head fc.weight \(model.fc.weight.shape), initialised from seed \(seed)"
        }
        lines.append("preprocessing: normalisation measured on this run's training objects, not taken from \(url.lastPathComponent)")
        let trained = trainableParameters(of: model).reduce(0) { $0 + $1.variable.value.count }
        if freezeBackbone {
            lines.append("backbone frozen: training the head only (\(trained) of \(model.parameterCount) parameters), backbone batch norm in evaluation mode")
        } else if !freezeStages.isEmpty {
            lines.append("stages frozen (\(freezeStages.map(\.rawValue).joined(separator: ", "))): training \(trained) of \(model.parameterCount) parameters; their batch norm in evaluation mode")
        }
        if layerDecay != 1 {
            lines.append("layer-wise learning-rate decay \(layerDecay): head x1, " + ResNetStage.allCases.reversed().map {
                "\($0.rawValue) x\(String(format: "%.3g", pow(layerDecay, Float(ResNetStage.allCases.count - $0.depth))))"
            }.joined(separator: ", "))
        }
        return lines
    }
}
