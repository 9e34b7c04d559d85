import Foundation
import Testing
@testable import Scale

/// The built `perseus` binary, next to the test bundle (or `PERSEUS_BIN`).
let perseusBinary: URL? = {
    if let path = ProcessInfo.processInfo.environment["PERSEUS_BIN"] { return URL(fileURLWithPath: path) }
    let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for candidate in [here, here.deletingLastPathComponent()] {
        let url = candidate.appendingPathComponent("perseus")
        if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    return nil
}()

/// `perseus predict` and `perseus merge` as separate processes, as a cluster runs them.
@Suite(.serialized, .enabled(if: perseusBinary != nil, "needs the built perseus binary next to the tests (swift build) or PERSEUS_BIN"))
struct ShardProcessTests {
    static let rows = 4_000

    func start(_ arguments: [String]) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = perseusBinary!
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        return (process, pipe)
    }

    /// Waits for a process and returns its standard output; fails on a non-zero exit.
    @discardableResult
    func finish(_ running: (Process, Pipe)) throws -> String {
        let output = running.1.fileHandleForReading.readDataToEndOfFile()
        running.0.waitUntilExit()
        let text = String(decoding: output, as: UTF8.self)
        guard running.0.terminationStatus == 0 else {
            throw ShardError("perseus \(running.0.arguments ?? []) exited \(running.0.terminationStatus): \(text)")
        }
        return text
    }

    func predictArguments(_ f: Fixture, _ catalog: URL, _ out: URL, shard: String) -> [String] {
        ["predict", "--run", f.run.path, "--catalog", catalog.path, "--images", f.folder.path, "--image-column", "file",
         "--out", out.path, "--shard", shard, "--batch", "64", "--flush", "256", "--threads", "1", "--quiet"]
    }

    @Test func fourProcessesOneKilledMergeToOneRun() throws {
        let f = try fixture()
        let catalog = try f.catalogue(rows: Self.rows, name: "processes.csv")
        let whole = f.folder.appendingPathComponent("p-whole.csv")
        try? FileManager.default.removeItem(at: whole)
        try? FileManager.default.removeItem(at: ShardOutput.progressURL(for: whole))
        try finish(start(predictArguments(f, catalog, whole, shard: "1/1") + ["--force"]))

        let parts = (1...4).map { f.folder.appendingPathComponent("p-part-\($0).csv") }
        var running = try parts.enumerated().map { try start(predictArguments(f, catalog, $1, shard: "\($0 + 1)/4") + ["--force"]) }
        // Kill shard 3 half-way through its rows, then start it again without --force: it resumes.
        let victim = parts[2]
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if let progress = try? ShardOutput.readProgress(of: victim), progress.rows >= Self.rows / 8 { break }
            usleep(20_000)
        }
        kill(running[2].0.processIdentifier, SIGKILL)
        running[2].0.waitUntilExit()
        #expect(running[2].0.terminationReason == .uncaughtSignal)
        let killedAt = try ShardOutput.readProgress(of: victim)
        #expect(!killedAt.finished && killedAt.rows > 0 && killedAt.rows < Self.rows / 4)
        running[2] = try start(predictArguments(f, catalog, victim, shard: "3/4"))
        var outputs: [String] = []
        for process in running { outputs.append(try finish(process)) }
        #expect(outputs[2].contains("resuming"))

        let merged = f.folder.appendingPathComponent("p-merged.csv")
        try? FileManager.default.removeItem(at: merged)
        let said = try finish(start(["merge", "--out", merged.path] + parts.map(\.path)))
        #expect(said.contains("merged 4 shards: \(Self.rows) rows"))
        #expect(try Data(contentsOf: merged) == Data(contentsOf: whole))

        // Without shard 4, merge refuses and writes nothing.
        let refused = f.folder.appendingPathComponent("p-refused.csv")
        let attempt = try start(["merge", "--out", refused.path] + parts.dropLast().map(\.path))
        #expect(throws: ShardError.self) { try finish(attempt) }
        #expect(!FileManager.default.fileExists(atPath: refused.path))
    }

    /// A shard's peak memory does not grow with the catalogue: shard 1/100 of 10^4 and of 10^5 rows (the shard
    /// streams every row of the file, and predicts 100 and 1,000 of them).
    @Test func peakMemoryDoesNotGrowWithTheCatalogue() throws {
        let f = try fixture()
        var peaks: [Int: Double] = [:]
        for rows in [10_000, 100_000] {
            let catalog = try f.catalogue(rows: rows, name: "memory-\(rows).csv")
            let out = f.folder.appendingPathComponent("memory-\(rows)-out.csv")
            let said = try finish(start(predictArguments(f, catalog, out, shard: "1/100") + ["--force"]))
            let line = try #require(said.split(separator: "\n").first { $0.hasPrefix("peak resident memory:") })
            let megabytes: Double? = Double(String(line.split(separator: " ")[3]))
            peaks[rows] = try #require(megabytes)
            #expect(said.contains("shard 1/100: \(rows / 100) rows of \(rows)"))
        }
        print("peak resident memory of shard 1/100: 10^4 rows \(peaks[10_000]!) MB, 10^5 rows \(peaks[100_000]!) MB")
        // The catalogue file grows by ~3.5 MB and the rows held whole would take tens of MB; allow noise only.
        #expect(peaks[100_000]! - peaks[10_000]! < 8)
    }
}
