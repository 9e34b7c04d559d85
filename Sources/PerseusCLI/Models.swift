import ArgumentParser
import Dataset
import Foundation
import Runs
import Training

/// `perseus models`: the shipped models (trained networks committed in `models/`), and how one is made from a run.
struct Models: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the shipped models (predict without training: --model NAME), or export a run as one.",
        discussion: """
            Shipped models live in the repository's models/ folder (or $\(ModelRegistry.environmentKey)): F16 \
            safetensors that carry the run's configuration, preprocessing and temperature, listed in models.json \
            with their size and SHA-256 (checked before every use). scripts/train-shipped-models.sh rebuilds them.
            """,
        subcommands: [List.self, Export.self], defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the shipped models and check their checksums.")

        func run() throws {
            let registry = try ModelRegistry.locate()
            print("shipped models in \(registry.folder.path):")
            if registry.models.isEmpty { print("  none (scripts/train-shipped-models.sh builds them)") }
            for model in registry.models {
                let check: String
                do { _ = try registry.verifiedFile(model); check = "checksum ok" } catch { check = "NOT USABLE: \(error)" }
                print("""

                    \(model.name)  (\(model.file), \(String(format: "%.1f", Double(model.bytes) / 1_000_000)) MB, \(check))
                      architecture:     \(model.architecture), input \(model.inputSize)x\(model.inputSize), \(model.bands) band(s)\(model.temperature.map { String(format: ", temperature %.3f", $0) } ?? "")
                      classes:          \(model.classes.joined(separator: ", "))
                      trained on:       \(model.trainedOn)
                      cross-validated:  \(model.crossValidated)
                      credit:           \(model.credit)
                    """)
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a run's best checkpoint as a shipped model (F16) and record it in models.json.",
            discussion: "The run's catalogue model is not exported: a shipped model judges images alone. With --data, says what it was trained on and checks the F16 weights against the run's own on the validation split.")

        @Option(name: .customLong("run"), help: "Run folder (from `perseus train`).") var runFolder: String
        @Option(help: "The model's name (letters, digits, '-', '_', '.').") var name: String
        @Option(help: "The dataset the run was trained on: its counts go into the manifest's 'trained on'.") var data: String?
        @Option(help: "What it was trained on, in words (default: from --data).") var trainedOn: String?
        @Option(help: "Its cross-validated figures, in words, with where they were measured.") var crossValidated: String = "not yet measured"
        @Option(help: "Models folder (default: the shipped models' folder, or $\(ModelRegistry.environmentKey)).") var models: String?

        func validate() throws {
            guard data != nil || trainedOn != nil else { throw ValidationError("give --data (the run's dataset) or --trained-on") }
        }

        func run() throws {
            let folder = try RunFolder.open(URL(fileURLWithPath: runFolder))
            var registry = try models.map { try ModelRegistry.open(URL(fileURLWithPath: $0)) } ?? ModelRegistry.locate()
            let dataset = try data.map { try PreparedDataset.load(from: URL(fileURLWithPath: $0)) }
            let described = try trainedOn ?? describeTraining(dataset!)
            let entry = try registry.export(run: folder, name: name, trainedOn: described, crossValidated: crossValidated)
            print("wrote \(registry.folder.appendingPathComponent(entry.file).path) (\(entry.bytes) bytes, sha256 \(entry.sha256)) and \(registry.manifest.path)")
            if let dataset {
                // F16 rounds every weight: show what that does to the answers.
                let objects = dataset.objects(in: .validation)
                let path = registry.folder.appendingPathComponent(entry.file).path
                let full = try predictRuns([folder.url.path], objects: objects, tta: false, calibrated: true, catalogue: false).predictions
                let half = try predictRuns([path], objects: objects, tta: false, calibrated: true, catalogue: false).predictions
                let difference = zip(full.probabilities, half.probabilities).map { zip($0, $1).map { abs($0 - $1) }.max() ?? 0 }.max() ?? 0
                let same = zip(full.probabilities, half.probabilities).filter { mostLikely($0) == mostLikely($1) }.count
                print(String(format: "F16 against the run's F32 weights on %d validation objects: largest probability difference %.2e, the same predicted class for %d", objects.count, difference, same))
            }
        }

        private func mostLikely(_ p: [Double]) -> Int { p.indices.max { p[$0] < p[$1] } ?? 0 }

        /// "SDSS DR16 cutouts ...: N train (class counts) + M validation (class counts) objects; kept out ...".
        private func describeTraining(_ dataset: PreparedDataset) throws -> String {
            func counts(_ split: SplitName) -> String {
                let objects = dataset.objects(in: split)
                let byClass = dataset.classNames.indices.map { label in "\(objects.filter { $0.label == label }.count) \(dataset.classNames[label])" }
                return "\(objects.count) \(split.rawValue) (\(byClass.joined(separator: ", ")))"
            }
            let (test, holdout) = (dataset.objects(in: .test).count, dataset.objects(in: .holdout).count)
            return "SDSS DR16 colour cutouts of Perseus Cluster Catalog objects of every magnitude: "
                + "\(counts(.train)) + \(counts(.validation)) objects; kept out of training: \(test) test objects"
                + (holdout > 0 ? " and \(holdout) spectroscopic objects (holdout)" : "")
        }
    }
}
