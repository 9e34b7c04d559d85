import Foundation
import Fuzzing

/// Command-line options (hand-parsed: the worker mode is internal and the set is small).
struct Options {
    var target: FuzzTarget?
    var seconds = 60.0
    var seed: UInt64 = 1
    var corpus: URL?
    var crashes = URL(fileURLWithPath: "fuzz-crashes")
    var timeout = 5
    var memoryMB = 4096
    var maximumSize = 1 << 20
    var replay: URL?
    var minimise: URL?
    var writeSeeds = false
    var worker = false
    var status: URL?

    static let usage = """
        usage: PerseusFuzz --target T [--seconds S] [--seed N] [--corpus DIR] [--crashes DIR] [--timeout S] [--memory-mb M]
               PerseusFuzz --target T --replay FILE      run one input and print what the reader did
               PerseusFuzz --target T --minimise FILE    shrink a crashing input (writes FILE.min)
               PerseusFuzz --target T --write-seeds --corpus DIR   write the built-in seeds to DIR/T/
        targets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))
        Seeds: generated files plus real files from ../shared/data/perseus (or $PERSEUS_DATA), plus DIR/T/* with --corpus.
        Each target runs in a child process; a crash (signal) or hang (--timeout seconds per input) saves the input
        under --crashes and the run goes on with the next seed until --seconds are used.
        """

    init(_ arguments: [String]) throws {
        var args = arguments[...]
        func value(_ flag: String) throws -> String {
            guard let v = args.popFirst() else { throw UsageError(message: "\(flag) needs a value") }
            return v
        }
        while let flag = args.popFirst() {
            switch flag {
            case "--target":
                let name = try value(flag)
                guard let t = FuzzTarget(rawValue: name) else { throw UsageError(message: "unknown target '\(name)'") }
                target = t
            case "--seconds": seconds = try number(value(flag), flag)
            case "--seed": seed = try number(value(flag), flag)
            case "--corpus": corpus = URL(fileURLWithPath: try value(flag))
            case "--crashes": crashes = URL(fileURLWithPath: try value(flag))
            case "--timeout": timeout = try number(value(flag), flag)
            case "--memory-mb": memoryMB = try number(value(flag), flag)
            case "--max-size": maximumSize = try number(value(flag), flag)
            case "--replay": replay = URL(fileURLWithPath: try value(flag))
            case "--minimise", "--minimize": minimise = URL(fileURLWithPath: try value(flag))
            case "--write-seeds": writeSeeds = true
            case "--worker": worker = true
            case "--status": status = URL(fileURLWithPath: try value(flag))
            case "-h", "--help": throw UsageError(message: "")
            default: throw UsageError(message: "unknown option '\(flag)'")
            }
        }
        guard target != nil else { throw UsageError(message: "--target is required") }
    }

    private func number<T: LosslessStringConvertible>(_ text: String, _ flag: String) throws -> T {
        guard let v = T(text) else { throw UsageError(message: "\(flag): '\(text)' is not a number") }
        return v
    }
}

struct UsageError: Error {
    let message: String
}

/// The package root, for finding `../shared/data/perseus` (this file is Sources/PerseusFuzz/Options.swift).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The seeds for `options`' target: built-in ones plus any files in the corpus folder's `<target>/`.
func loadSeeds(_ options: Options) throws -> [[UInt8]] {
    let target = options.target!
    var seeds = try SeedCorpus.seeds(for: target, data: SeedCorpus.dataFolder(packageRoot: packageRoot))
    if let corpus = options.corpus, !options.writeSeeds {
        let folder = corpus.appendingPathComponent(target.rawValue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in names.sorted() {
            seeds.append([UInt8](try Data(contentsOf: folder.appendingPathComponent(name))))
        }
    }
    return seeds.map { Array($0.prefix(options.maximumSize)) }
}
