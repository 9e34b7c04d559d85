import Dataset
import Files
import Foundation
import Tabular
import Training

/// A second opinion beside the image network: gradient-boosted trees on what the catalogue measured (magnitude and
/// the parameters `perseus prepare` carried, such as the PCC's photometric and structural fields), fitted on the
/// training split, and a logistic combination of the network's and the trees' log-odds fitted on the validation
/// split. Neither weights the classes: members are 9% of all objects but half of the bright ones, and the trees
/// know the magnitude, so unweighted probabilities put the decision right at every magnitude (weighting the classes
/// equally lifted faint members' recall but called a third of the bright background members). Objects without
/// parameters (spectroscopic objects, or a catalogue without those columns) keep the network's probability.
public struct CatalogueModel: Codable, Sendable {
    /// `magnitude` then the parameter columns, in the order the trees take them.
    public var features: [String]
    public var trees: BoostedTrees
    /// Inputs: the network's log-odds, then the trees'.
    public var combiner: LogisticRegression

    public static let fileName = "catalogue-model.json"

    public init(features: [String], trees: BoostedTrees, combiner: LogisticRegression) {
        self.features = features
        self.trees = trees
        self.combiner = combiner
    }

    /// The trees' inputs for an object, or nil when it has none of the parameters.
    public func row(_ object: PreparedObject) -> [Double]? {
        Self.row(object, features: features)
    }

    /// With parameters, an object needs one of them; a magnitude-only model (no parameters, what every survey
    /// measures) needs the magnitude.
    static func row(_ object: PreparedObject, features: [String]) -> [Double]? {
        let parameters = features.dropFirst().map { object.parameters[$0] ?? .nan }
        if parameters.isEmpty {
            guard let magnitude = object.magnitude, magnitude.isFinite else { return nil }
            return [magnitude]
        }
        guard parameters.contains(where: { !$0.isNaN }) else { return nil }
        return [object.magnitude ?? .nan] + parameters
    }

    /// Fits the trees on `training` and the combiner on the network's predictions for `validation`.
    public static func fit(training: [PreparedObject], validation: [PreparedObject], network: Predictions,
                           parameters: [String], settings: BoostedTrees.Settings = .catalogue) throws -> CatalogueModel {
        precondition(network.ids == validation.map(\.id), "CatalogueModel.fit: predictions are not for the validation objects")
        let features = ["magnitude"] + parameters
        let fitted = training.compactMap { o in row(o, features: features).map { ($0, o.label) } }
        guard fitted.count >= 2 * settings.minLeaf else {
            throw TabularError("the catalogue model needs training objects with parameters; \(fitted.count) of \(training.count) have any (prepare with --parameters)")
        }
        let trees = try BoostedTrees.fit(rows: fitted.map(\.0), labels: fitted.map(\.1), features: features, settings: settings)
        var inputs: [[Double]] = [], labels: [Int] = []
        for (i, o) in validation.enumerated() {
            guard let r = row(o, features: features) else { continue }
            inputs.append([logOdds(network.memberProbability[i]), trees.logit(r)])
            labels.append(o.label)
        }
        let combiner = try LogisticRegression.fit(rows: inputs, labels: labels, balanced: false)
        return CatalogueModel(features: features, trees: trees, combiner: combiner)
    }

    /// The network's predictions with every object that has parameters given the combined probability.
    public func apply(to network: Predictions, objects: [PreparedObject]) -> Predictions {
        precondition(network.ids == objects.map(\.id), "CatalogueModel.apply: predictions are not for these objects")
        var out = network
        for (i, o) in objects.enumerated() {
            if let p = probability(network: network.memberProbability[i], object: o) { out.setMemberProbability(p, at: i) }
        }
        out.loss = meanLogLoss(out.memberProbability, labels: out.labels)
        return out
    }

    /// The combined membership probability of an object the network gave `network`, or nil when the object has
    /// none of the parameters.
    public func probability(network: Double, object: PreparedObject) -> Double? {
        row(object).map { combiner.probability([Self.logOdds(network), trees.logit($0)]) }
    }

    /// The catalogue columns the trees read besides the magnitude.
    public var parameterNames: [String] { Array(features.dropFirst()) }

    /// How many of `objects` the trees can judge.
    public func covered(_ objects: [PreparedObject]) -> Int { objects.filter { row($0) != nil }.count }

    static func logOdds(_ p: Double) -> Double {
        let q = min(max(p, 1e-6), 1 - 1e-6)
        return log(q / (1 - q))
    }

    public func save(in run: RunFolder) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(self), to: run.url.appendingPathComponent(Self.fileName))
    }

    /// The run's catalogue model, or nil when it has none.
    public static func load(run: RunFolder) throws -> CatalogueModel? {
        let url = run.url.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            return try JSONDecoder().decode(CatalogueModel.self, from: Data(contentsOf: url))
        } catch {
            throw ConfigurationError(message: "\(url.path): not a catalogue model (\(error)); delete it or retrain")
        }
    }
}

extension CatalogueModel {
    /// The catalogue-only baseline: the catalogue model's trees fitted on `training`'s magnitude and `parameters`,
    /// no image, judging every object of `objects` (missing values take the side the trees learned for them, so an
    /// object without parameters is judged on its magnitude alone). What the network is measured against.
    public static func cataloguePredictions(training: [PreparedObject], objects: [PreparedObject], parameters: [String],
                                            settings: BoostedTrees.Settings = .catalogue) throws -> Predictions {
        let features = ["magnitude"] + parameters
        func inputs(_ o: PreparedObject) -> [Double] { [o.magnitude ?? .nan] + parameters.map { o.parameters[$0] ?? .nan } }
        let trees = try BoostedTrees.fit(rows: training.map(inputs), labels: training.map(\.label), features: features, settings: settings)
        let p = objects.map { trees.probability(inputs($0)) }
        let labels = objects.map(\.label)
        return Predictions(ids: objects.map(\.id), labels: labels, memberProbability: p,
                           spread: Array(repeating: 0, count: p.count), loss: meanLogLoss(p, labels: labels))
    }
}

extension BoostedTrees.Settings {
    /// The catalogue model's trees: the defaults without class weights.
    public static var catalogue: BoostedTrees.Settings {
        var s = BoostedTrees.Settings()
        s.balanced = false
        return s
    }
}

extension CatalogueModel {
    /// After a run has trained: predicts the validation split with the best checkpoint, fits the model, saves it in
    /// the run and returns one line for the log (or why it was skipped).
    public static func fitAfterTraining(run: RunFolder, dataset: PreparedDataset) throws -> String {
        guard !dataset.parameterNames.isEmpty else {
            return "catalogue model skipped: the dataset has no parameter columns (prepare with --parameters)"
        }
        let trained = try TrainedModel.load(run: run)
        let validation = dataset.objects(in: .validation)
        let network = try predict(trained.model, on: SampleSet(objects: validation, preprocessing: trained.preprocessing),
                                  preprocessing: trained.preprocessing)
        let model = try fit(training: dataset.objects(in: .train), validation: validation, network: network,
                            parameters: dataset.parameterNames)
        try model.save(in: run)
        let combined = model.apply(to: network, objects: validation)
        func balanced(_ p: Predictions) -> Double { (try? Scores(p).balancedAccuracy) ?? .nan }
        return String(format: "catalogue model: %d trees on %d features; validation balanced accuracy %.3f (network) -> %.3f (combined), weights %.2f (network) %.2f (trees)",
                      model.trees.trees.count, model.features.count, balanced(network), balanced(combined),
                      model.combiner.coefficients[0], model.combiner.coefficients[1])
    }
}
