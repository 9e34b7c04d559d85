import ArgumentParser
import Dataset
import Foundation

// Options that several commands share, declared once (`@OptionGroup`).

/// One trained run and which of its checkpoints to use.
struct RunOption: ParsableArguments {
    @Option(name: .customLong("run"), help: "Run folder (from `perseus train`).")
    var folder: String

    @Flag(help: "Use the last checkpoint instead of the best.")
    var last = false

    var url: URL { URL(fileURLWithPath: folder) }
}

/// One or more trained runs whose probabilities are averaged, as calibrated as each run says.
struct EnsembleOptions: ParsableArguments {
    @Option(name: .customLong("run"), help: "Run folder (from `perseus train`); repeat it for an ensemble (probabilities averaged).")
    var folders: [String]

    @Flag(name: .customLong("no-calibration"), help: "Ignore the runs' calibration.json (fitted temperature).")
    var noCalibration = false

    func validate() throws {
        guard !folders.isEmpty else { throw ValidationError("give at least one --run") }
    }
}

/// How the network is asked: test-time augmentation and the membership threshold.
struct JudgingOptions: ParsableArguments {
    @Flag(help: "Average the membership probability over the study's 16 rotations (test-time augmentation).")
    var tta = false

    @Option(help: "Membership probability at or above which an object is called a member.")
    var threshold: Double = 0.5
}

/// Which objects of a prepared dataset are judged.
struct JudgedData: ParsableArguments {
    @Option(help: "Prepared dataset folder (from `perseus prepare`).")
    var data: String

    @Option(help: "Which objects: test, holdout, validation, train, or all (every split but train).")
    var split: JudgedSplit = .test

    var url: URL { URL(fileURLWithPath: data) }
}
