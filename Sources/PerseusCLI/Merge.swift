import ArgumentParser
import Foundation
import Scale

/// `perseus merge`: the N shard outputs of `perseus predict --shard I/N` joined into one table in input row order.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join the outputs of `perseus predict --shard I/N` into one table in input row order, checked for completeness.",
        discussion: "Refuses (and writes nothing) unless all N shards are present once, each finished, from the same input, and together hold every row exactly once.")

    @Option(help: "Merged file: CSV, or a FITS table when it ends in .fits.") var out: String
    @Argument(help: "The shard outputs (any order), e.g. pred-*.csv (a .fits shard is read through its FILE.rows.csv).") var shards: [String]
    @Flag(help: "Replace an existing output file.") var force = false

    func run() throws {
        if FileManager.default.fileExists(atPath: out), !force {
            throw ValidationError("\(out) exists; use --force to replace it or choose another --out")
        }
        let summary = try mergeShards(shards.map { URL(fileURLWithPath: $0) }, into: URL(fileURLWithPath: out))
        print("merged \(summary.shards) shards: \(summary.rows) rows (\(summary.predicted) predicted, \(summary.rows - summary.predicted) without a prediction); wrote \(out)")
    }
}
