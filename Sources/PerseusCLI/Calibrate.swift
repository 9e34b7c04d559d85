import ArgumentParser
import Dataset
import Evaluation
import Foundation
import Report
import Runs
import Training

/// `perseus calibrate`: temperature scaling of a trained run, fitted on the validation split.
struct Calibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit a temperature to a trained run's logits on the validation split (calibrated membership probabilities).",
        discussion: """
            Divides the logits by one number T, fitted to minimise the negative log-likelihood on --split \
            (validation), so that a probability of 0.8 is right about 80% of the time; the predicted class never \
            changes. Writes calibration.json into the run folder (used by `evaluate` and `predict` unless \
            --no-calibration) and reliability.svg/.png: the reliability diagram on --held-out (test) before and \
            after, with the expected calibration error (ECE) of each. With --model (a shipped model on your own \
            prepared data) they go to --out; the model file itself is not changed.
            """)

    @OptionGroup var checkpoint: RunOption
    @Option(help: "Prepared dataset folder (from `perseus prepare`).") var data: String
    @Option(help: "Split to fit the temperature on.") var split: SplitName = .validation
    @Option(help: "Split to judge the calibration on (none to skip).") var heldOut = OrNone<SplitName>(.test)
    @Option(help: "Equal-width confidence bins of the ECE and the diagram.") var bins: Int = 10
    @Option(help: "Folder for calibration.json and the diagram (default: the run folder; needed with --model).") var out: String?

    func validate() throws {
        guard bins >= 1 else { throw ValidationError("--bins must be at least 1") }
        if checkpoint.model != nil, out == nil { throw ValidationError("--model: give --out FOLDER for calibration.json (a model file is not changed)") }
    }

    func run() throws {
        let dataset = try PreparedDataset.load(from: URL(fileURLWithPath: data))
        func objects(_ split: SplitName) throws -> [PreparedObject] {
            let chosen = dataset.objects(in: split)
            guard !chosen.isEmpty else { throw ValidationError("the dataset has no \(split.rawValue) objects") }
            return chosen
        }
        let trained = try checkpoint.load()
        let folder = out.map { URL(fileURLWithPath: $0) } ?? trained.run!.url
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func predictions(_ chosen: [PreparedObject], temperature: Double = 1) throws -> Predictions {
            let samples = SampleSet(objects: chosen, preprocessing: trained.preprocessing)
            return try predict(trained.model, on: samples, preprocessing: trained.preprocessing, temperature: temperature)
        }
        var calibration = try RunCalibration.fit(predictions(objects(split)), split: split.rawValue,
                                                 checkpoint: trained.checkpoint.lastPathComponent, bins: bins)
        print(String(format: "temperature %.4f fitted on %d %@ objects", calibration.temperature, calibration.objects, split.rawValue))
        print(String(format: "  %@: NLL %.4f -> %.4f, ECE %.4f -> %.4f", split.rawValue, calibration.nllBefore, calibration.nllAfter,
                     calibration.eceBefore, calibration.eceAfter))
        if let heldOut = heldOut.value {
            let chosen = try objects(heldOut)
            let before = try predictions(chosen), after = try predictions(chosen, temperature: calibration.temperature)
            let (b, a) = (try before.calibration(bins: bins), try after.calibration(bins: bins))
            calibration.heldOutSplit = heldOut.rawValue
            calibration.heldOutECEBefore = b.expectedCalibrationError
            calibration.heldOutECEAfter = a.expectedCalibrationError
            print(String(format: "  %@ (%d objects): NLL %.4f -> %.4f, ECE %.4f -> %.4f, accuracy %.4f", heldOut.rawValue, chosen.count,
                         before.loss, after.loss, b.expectedCalibrationError, a.expectedCalibrationError, after.accuracy()))
            let canvas = reliabilityDiagram([("uncalibrated", b), (String(format: "T = %.2f", calibration.temperature), a)],
                                            title: "Reliability on \(heldOut.rawValue) (\(chosen.count) objects)")
            try canvas.writeSVG(to: folder.appendingPathComponent("reliability.svg"))
            try canvas.writePNG(to: folder.appendingPathComponent("reliability.png"))
        }
        let file = folder.appendingPathComponent("calibration.json")
        try calibration.save(to: file)
        print("wrote \(file.path)" + (heldOut.value != nil ? " and reliability.svg/.png" : ""))
    }
}
