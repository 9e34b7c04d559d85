// `perseus report`'s work: judge a run on a prepared dataset's split exactly as `perseus evaluate` does (its
// catalogue model, its calibration, test-time augmentation if asked), and write the HTML report (and its figures as
// SVG and PNG) from what was measured, saying what was used. The assembly itself lives in `Report`.
import Dataset
import Evaluation
import Foundation
import Report
import Yams
import Training

/// What to report on and where to write it.
public struct RunReportRequest: Sendable {
    public var run: URL
    public var data: URL
    public var split: JudgedSplit
    /// Average the membership probability over the study's 16 rotations.
    public var tta: Bool
    /// Use the last checkpoint instead of the best.
    public var last: Bool
    /// Divide the logits by the run's fitted temperature (`calibration.json`) when it has one.
    public var calibrated: Bool
    /// Combine in the run's catalogue model when it has one.
    public var catalogue: Bool
    public var threshold: Double
    /// The HTML file; `RUN/report.html` when nil (a model file has no folder: give one).
    public var output: URL?
    /// Replace an existing file at `output` (the default `RUN/report.html` is always replaced).
    public var force: Bool

    public init(run: URL, data: URL, split: JudgedSplit = .test, tta: Bool = false, last: Bool = false, threshold: Double = 0.5,
                output: URL? = nil, force: Bool = false, calibrated: Bool = true, catalogue: Bool = true) {
        self.calibrated = calibrated
        self.catalogue = catalogue
        self.run = run
        self.data = data
        self.split = split
        self.tta = tta
        self.last = last
        self.threshold = threshold
        self.output = output
        self.force = force
    }

    public var defaultOutput: URL { run.appendingPathComponent("report.html") }
    /// `RUN/figures` for the default report; beside any other report, `NAME-figures` (so a second report of the
    /// same run, on another split, does not replace the first one's figures).
    public var figuresFolder: URL {
        guard let output, output.standardizedFileURL != defaultOutput.standardizedFileURL else {
            return run.appendingPathComponent("figures")
        }
        return output.deletingLastPathComponent().appendingPathComponent(output.deletingPathExtension().lastPathComponent + "-figures")
    }
}

/// What `writeRunReport` wrote and measured.
public struct RunReportResult: Sendable {
    public var report: URL
    public var figures: [URL]
    public var evaluation: RunEvaluation
    public var input: RunReportInput
    /// What the judging used (checkpoint, temperature, catalogue model), one line each, as `evaluate` prints them.
    public var judgedWith: [String]
}

/// Judges the run on the request's split and writes the report and its figures.
public func writeRunReport(_ request: RunReportRequest) throws -> RunReportResult {
    var isFile: ObjCBool = true
    if request.output == nil, FileManager.default.fileExists(atPath: request.run.path, isDirectory: &isFile), !isFile.boolValue {
        throw ConfigurationError(message: "\(request.run.path) is a model file, not a run folder to write report.html into; give --out FILE.html")
    }
    let output = request.output ?? request.defaultOutput
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: output.path, isDirectory: &isDirectory) {
        if isDirectory.boolValue {
            throw ConfigurationError(message: "\(output.path) is a folder; give --out a file name such as report.html")
        }
        if output.standardizedFileURL != request.defaultOutput.standardizedFileURL && !request.force {
            throw ConfigurationError(message: "\(output.path) already exists; use --force to replace it, or another --out")
        }
    }
    let dataset = try PreparedDataset.load(from: request.data)
    let objects = dataset.objects(judgedOn: request.split)
    guard !objects.isEmpty else {
        throw ConfigurationError(message: "\(request.data.path) has no \(request.split.rawValue) objects to report on")
    }
    // A run folder, or a model file (a shipped model: no training curves, its configuration from its metadata).
    let trained = try TrainedModel.load(request.run.path, last: request.last)
    let run = trained.run
    // The same predictions `perseus evaluate` judges by, so the two agree on the same run and data.
    let (predictions, _, judgedWith) = try predictRuns([request.run.path], objects: objects, tta: request.tta,
                                                    calibrated: request.calibrated, catalogue: request.catalogue,
                                                    last: request.last)
    let evaluation = try RunEvaluation(predictions: predictions, objects: objects, reference: dataset.objects,
                                       threshold: request.threshold, classNames: dataset.classNames)

    var notes: [String] = []
    var history: [EpochRecord] = []
    if let run, FileManager.default.fileExists(atPath: run.metrics.path) {
        history = try EpochMetrics.parse(csv: String(contentsOf: run.metrics, encoding: .utf8), source: run.metrics.path).map {
            EpochRecord(epoch: $0.epoch, trainingLoss: $0.trainLoss, trainingAccuracy: $0.trainAccuracy,
                        validationLoss: $0.validationLoss, validationAccuracy: $0.validationAccuracy)
        }
    } else {
        notes.append(run == nil ? "A model file keeps no metrics.csv, so there are no training curves."
                                : "The run has no metrics.csv, so there are no training curves.")
    }
    let configuration = try configurationPairs(run.map { try String(contentsOf: $0.configuration, encoding: .utf8) }
                                                   ?? trained.configuration.yaml(), source: request.run.path)
    let splits = request.split != .all ? "\(objects.count) \(request.split.rawValue)"
        : "\(objects.count): " + Dictionary(grouping: objects, by: \.split).sorted { $0.key.rawValue < $1.key.rawValue }
            .map { "\($0.value.count) \($0.key.rawValue)" }.joined(separator: ", ")
    let about: [(String, String)] = [
        (run == nil ? "model" : "run", request.run.path),
        ("dataset", request.data.path),
        ("objects", splits),
        ("model", "\(trained.configuration.model.rawValue), \(trained.preprocessing.inputSize)x\(trained.preprocessing.inputSize) \(trained.preprocessing.grey ? "grey" : "colour")"),
        ("checkpoint", trained.checkpoint.lastPathComponent),
        ("test-time augmentation", request.tta ? "class probabilities averaged over the study's 16 rotations" : "none"),
        ("catalogue model", trained.catalogueModel == nil ? "none (the run has none)"
            : request.catalogue ? "combined with the network (as `perseus evaluate`)" : "not used (--no-catalogue-model): the network alone"),
        ("judged with", judgedWith.map { $0.replacingOccurrences(of: request.run.path + ": ", with: "") }.joined(separator: "; ")),
        ("written", ISO8601DateFormatter().string(from: Date())),
    ]
    let input = RunReportInput(
        title: "Perseus run report: \(request.run.deletingLastPathComponent().lastPathComponent)/\(request.run.lastPathComponent)", about: about, configuration: configuration, history: history,
        objects: objects.indices.map { i in
            let o = objects[i]
            // More than two classes: the predicted class and its probability.
            let predicted = predictions.classCount > 2 ? mostProbable(predictions.probabilities[i]) : nil
            return ReportedObject(id: o.id, magnitude: o.magnitude, uMinusG: o.uMinusG, gMinusR: o.gMinusR, rMinusI: o.rMinusI,
                                  gMinusZ: o.gMinusZ, objectClass: o.objectClass, truth: predictions.labels[i],
                                  memberProbability: predicted.map { predictions.probabilities[i][$0] } ?? predictions.memberProbability[i],
                                  image: o.image, predicted: predicted)
        },
        threshold: request.threshold, loss: predictions.loss, classNames: dataset.classNames,
        sequence: evaluation.sequence, regions: evaluation.regions, magnitudeBins: evaluation.magnitudeBins, notes: notes)
    let report = try RunReport(input)
    let figures = try report.write(report: output, figuresFolder: request.figuresFolder)
    return RunReportResult(report: output, figures: figures, evaluation: evaluation, input: input, judgedWith: judgedWith)
}

/// A run's config.yaml as name/value pairs in file order (lists written as "[a, b]").
func configurationPairs(_ text: String, source: String) throws -> [(String, String)] {
    guard let node = try Yams.compose(yaml: text), let mapping = node.mapping else {
        throw ConfigurationError(message: "\(source): its configuration is not a YAML mapping")
    }
    func render(_ node: Node) -> String {
        if let scalar = node.scalar {
            // Single-precision settings are written at double precision (5.00000007450581e-2): show them as set.
            if scalar.string.lowercased().contains("e"), let value = Float(scalar.string) { return "\(value)" }
            return scalar.string
        }
        if let sequence = node.sequence { return "[" + sequence.map(render).joined(separator: ", ") + "]" }
        if let mapping = node.mapping { return "{" + mapping.map { "\(render($0.key)): \(render($0.value))" }.joined(separator: ", ") + "}" }
        return ""
    }
    return mapping.map { (render($0.key), render($0.value)) }
}
