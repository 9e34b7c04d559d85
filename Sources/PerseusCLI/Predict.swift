import ArgumentParser
import Dataset
import Foundation
import Scale
import Tensor
import Runs
import Training

/// `perseus predict`: membership probabilities for the rows of a catalogue (or the images of a folder), streamed
/// in flushes with a progress record, optionally as one shard of N.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predict cluster membership for every row of a catalogue (or every cutout in a folder), optionally as one shard of N.",
        discussion: """
            Writes one row per input row, in input order: row (0-based data-row index), id, ra, dec, member_probability, \
            its spread over augmentations, label (1: member), status (ok, no_image, unreadable_image, bad_row) and the \
            problem. A run of more classes writes label (the most probable class's name), its probability's spread and \
            p_<class> for every class in place of member_probability, spread and label. \
            The catalogue is read as a stream and results are appended as they are made, with FILE.progress recording \
            what is done after every flush: running the same command again resumes a killed run without duplicates or \
            gaps. --shard I/N (1-based) takes the rows whose index r has r % N == I-1; join the N outputs with `perseus merge`.
            """)

    @OptionGroup var runs: EnsembleOptions
    @OptionGroup var combination: CombinationOptions
    @Option(help: "Folder of cutouts (JPEG, PNG or FITS), named after the object ids (or see --image-column).") var images: String
    @Option(help: "Catalogue (CSV or PCC text) whose rows to predict; without it every image in --images, by sorted name.") var catalog: String?
    @Option(help: "Catalogue column holding each row's cutout file, relative to --images (default: <id>.<ext>).") var imageColumn: String?
    @Option(help: "Output file: CSV (its progress record is FILE.progress), or a FITS table when it ends in .fits (rows stream to FILE.rows.csv, resumed the same way; the table is written when they are complete).") var out: String
    @Option(help: "Predict only shard I of N (1-based): the rows whose 0-based index r has r % N == I-1.") var shard: String = "1/1"
    @Option(help: "Images per network batch.") var batch = 64
    @Option(help: "Cutouts per flush (rounded up to whole batches): results reach the output and the progress record this often.") var flush = 1024
    @Option(help: "Threads for the network (default: all cores; on Slurm use the task's --cpus-per-task).") var threads: Int?
    @OptionGroup var arithmetic: PrecisionOptions
    @OptionGroup var judging: JudgingOptions
    @Flag(help: "Start afresh, replacing an existing output and its progress record.") var force = false
    @Flag(help: "No progress lines on standard error.") var quiet = false

    func validate() throws {
        guard batch > 0, flush > 0 else { throw ValidationError("--batch and --flush must be positive") }
        _ = try parsedShard()
    }

    private func parsedShard() throws -> Shard {
        do { return try Shard(parsing: shard) } catch { throw ValidationError("--shard: \(error)") }
    }

    /// The input's rows of `shard` from `firstRow` on.
    private func rows(_ shard: Shard, from firstRow: Int, parameters: [String] = []) throws -> PredictionRowSource {
        let folder = URL(fileURLWithPath: images)
        if let catalog {
            return try CatalogueRows(catalog: URL(fileURLWithPath: catalog), images: folder, imageColumn: imageColumn,
                                     shard: shard, firstRow: firstRow, parameters: parameters)
        }
        if imageColumn != nil { throw ValidationError("--image-column needs --catalog") }
        return try FolderRows(folder: folder, shard: shard, firstRow: firstRow)
    }

    /// What int8 calibrates on without `--calibration-data`: the first 256 cutouts of the shard.
    private func firstCutouts(_ shard: Shard) throws -> [PreparedObject] {
        let source = try rows(shard, from: 0)
        var objects: [PreparedObject] = []
        while objects.count < 256, let row = try source.next() {
            if row.problem == nil { objects.append(row.object) }
        }
        print("int8: calibrating on the first \(objects.count) cutouts of the input")
        return objects
    }

    func run() throws {
        let shard = try parsedShard()
        if let threads { Parallel.setThreadCount(threads) }
        var members: [ShardPrediction.Member] = []
        for path in try runs.paths() {
            var trained = try TrainedModel.load(path)
            if combination.noCatalogueModel { trained.catalogueModel = nil }
            let calibration = try RunCalibration.forPrediction(trained: trained, calibrated: !combination.noCalibration,
                                                               catalogueModel: !combination.noCatalogueModel)
            members.append(.init(trained: trained, temperature: calibration?.temperature ?? 1))
            print("\(path): \(trained.checkpoint.lastPathComponent)"
                  + (calibration.map { String(format: ", temperature %.3f (calibration.json)", $0.temperature) } ?? "")
                  + (trained.catalogueModel != nil ? ", catalogue model" : ""))
        }
        var prediction = try ShardPrediction(members: members)
        prediction.batchSize = batch
        prediction.precision = arithmetic.precision
        for member in members { try member.trained.check(precision: arithmetic.precision) }
        if arithmetic.precision == .int8 {
            try prediction.calibrateInt8(on: arithmetic.validationObjects() ?? firstCutouts(shard))
        }
        let output = URL(fileURLWithPath: out)
        let input = URL(fileURLWithPath: catalog ?? images).standardizedFileURL.path
        let written = try ShardTable.open(output, shard: shard, input: input, classNames: prediction.classNames, force: force)
        if written.isFinished {
            try ShardTable.finish(output)
            print("shard \(shard): \(out) is already finished (\(written.progress.rows) rows); nothing to do")
            return
        }
        let resumedAt = written.progress.nextRow
        if resumedAt > 0 { print("shard \(shard): resuming \(out) at row \(resumedAt) (\(written.progress.rows) rows already written)") }
        var catalogueParameters: [String] = []
        for name in members.flatMap({ $0.trained.catalogueModel?.parameterNames ?? [] }) where !catalogueParameters.contains(name) {
            catalogueParameters.append(name)
        }
        let source = try rows(shard, from: resumedAt, parameters: catalogueParameters)
        prediction.augmentations = judging.tta ? AugmentationPlan.study().augmentations : [.identity]
        prediction.flushRows = flush
        prediction.threshold = judging.threshold
        let started = Date()
        let rowsBefore = written.progress.rows
        var lastReport = started
        if !quiet {
            prediction.report = { progress in
                let now = Date()
                guard now.timeIntervalSince(lastReport) >= 10 || progress.finished else { return }
                lastReport = now
                let rate = Double(progress.rows - rowsBefore) / max(now.timeIntervalSince(started), 1e-9)
                FileHandle.standardError.write(Data(
                    "shard \(shard): \(progress.rows) rows written (\(progress.predicted) predicted), next row \(progress.nextRow), \(String(format: "%.0f", rate)) rows/s\n".utf8))
            }
        }
        let done = try prediction.run(source, into: written)
        try ShardTable.finish(output)
        let seconds = Date().timeIntervalSince(started)
        let rate = Double(done.rows - rowsBefore) / max(seconds, 1e-9)
        if !catalogueParameters.isEmpty {
            print(catalog == nil ? "catalogue model not used: predicting a folder of images gives it no catalogue values"
                                 : "catalogue model combined in where a row has any of: \(catalogueParameters.joined(separator: ", "))")
        }
        print("shard \(shard): \(done.rows) rows of \(done.inputRows ?? 0) in the input: \(done.predicted) predicted, \(done.rows - done.predicted) without a prediction (see the status column); wrote \(out)")
        print(String(format: "this run: %d rows in %.1f s (%.1f rows/s)", done.rows - rowsBefore, seconds, rate))
        if let peak = peakResidentBytes() {
            print(String(format: "peak resident memory: %.1f MB", Double(peak) / 1_048_576))
        }
    }
}
