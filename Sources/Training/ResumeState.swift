import Dataset
import Foundation
import NN

/// Everything needed to continue a run exactly: the epoch and step reached, the early-stopping bookkeeping and the
/// metrics so far. Saved with the weights, the optimizer's state and the preprocessing in one safetensors file,
/// replaced atomically, so the run folder always holds one consistent resume point.
struct ResumeState: Codable {
    var epoch = 0
    var step = 0
    var bestValidationLoss = Double.infinity
    var bestEpoch = 0
    var epochsWithoutImprovement = 0
    var metrics: [EpochMetrics] = []
    /// The configuration and data the run was started with (nil in files from before they were recorded), so a
    /// resume with other settings or other objects is refused instead of silently mixing two runs.
    var configuration: TrainingConfiguration?
    var data: String?

    func isStopped(patience: Int) -> Bool { patience > 0 && epochsWithoutImprovement >= patience }

    static let key = "perseus.resume"

    /// What would make continuing from this state a different run than the one that wrote it: the names of the
    /// changed settings (all but `epochs`, which may be extended, and `threads`) and a changed training or
    /// validation set.
    func conflicts(with configuration: TrainingConfiguration, data: String) -> [String] {
        var changed = self.configuration.map { configuration.changedSettings(from: $0) } ?? []
        if let recorded = self.data, recorded != data { changed.append("the training or validation objects") }
        return changed
    }

    func save(to url: URL, model: any Classifier, optimizer: any Optimizer, preprocessing: Preprocessing,
              extra: [String: [String: StateTensor]] = [:]) throws {
        var file = SafeTensors()
        for (name, value) in model.stateDict() { file.tensors["model." + name] = value }
        // Training state beside the network (a weight average, an auxiliary head), each group under its own prefix.
        for (group, tensors) in extra {
            precondition(group != "model" && group != "optimizer", "ResumeState: extra group \(group)")
            for (name, value) in tensors { file.tensors[group + "." + name] = value }
        }
        let optimizerState = optimizer.state()
        for (name, value) in optimizerState.tensors { file.tensors["optimizer." + name] = value }
        for (key, value) in optimizerState.metadata { file.metadata["optimizer." + key] = value }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys  // the same state gives the same bytes in every process
        file.metadata[Self.key] = String(decoding: try encoder.encode(self), as: UTF8.self)
        file.metadata[Preprocessing.metadataKey] = preprocessing.metadataValue
        try file.write(to: url)
    }

    /// Loads a resume file into the model and optimizer and returns the bookkeeping and the `extra` groups.
    static func load(_ url: URL, into model: any Classifier, optimizer: any Optimizer) throws
        -> (state: ResumeState, preprocessing: Preprocessing, extra: [String: [String: StateTensor]]) {
        let file = try SafeTensors(contentsOf: url)
        // Every tensor is "group.name": the model's, the optimizer's, or an extra group's.
        var extra: [String: [String: StateTensor]] = [:]
        for (name, value) in file.tensors {
            guard let dot = name.firstIndex(of: ".") else { continue }
            extra[String(name[..<dot]), default: [:]][String(name[name.index(after: dot)...])] = value
        }
        let weights = extra.removeValue(forKey: "model") ?? [:]
        var slots = SafeTensors(tensors: extra.removeValue(forKey: "optimizer") ?? [:])
        for (key, value) in file.metadata where key.hasPrefix("optimizer.") { slots.metadata[String(key.dropFirst(10))] = value }
        try model.loadStateDict(weights, source: url.path)
        try optimizer.loadState(slots, source: url.path)
        guard let text = file.metadata[key],
              let state = try? JSONDecoder().decode(ResumeState.self, from: Data(text.utf8)) else {
            throw ConfigurationError(message: "\(url.path): no resume state in its metadata")
        }
        return (state, try Preprocessing(metadata: file.metadata, source: url.path), extra)
    }
}

extension TrainingConfiguration {
    /// The settings (by their YAML names) that differ from `other`, apart from `epochs`, `threads` and
    /// `catalogueModel`, which a resumed run may change (train for longer; run on another machine, at the price of
    /// bit-identical results; add or drop the catalogue model, which is fitted after the network).
    public func changedSettings(from other: TrainingConfiguration) -> [String] {
        func fields(_ c: TrainingConfiguration) -> [String: NSObject] {
            guard let data = try? JSONEncoder().encode(c),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: NSObject] else { return [:] }
            return object
        }
        let mine = fields(self), theirs = fields(other)
        return Set(mine.keys).union(theirs.keys).subtracting(["epochs", "maxSteps", "threads", "catalogueModel"]).sorted()
            .filter { mine[$0] != theirs[$0] }
    }
}
