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

extension TrainingConfiguration {
    /// The parameters the optimizer updates: only the head's when the backbone is frozen.
    func trainableParameters(of model: any Classifier) -> [(name: String, variable: Variable)] {
        let all = model.namedParameters()
        return freezeBackbone ? all.filter { $0.name.hasPrefix(ResNet.headPrefix) } : all
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
        if freezeBackbone {
            let head = trainableParameters(of: model).reduce(0) { $0 + $1.variable.value.count }
            lines.append("backbone frozen: training the head only (\(head) of \(model.parameterCount) parameters), backbone batch norm in evaluation mode")
        }
        return lines
    }
}
