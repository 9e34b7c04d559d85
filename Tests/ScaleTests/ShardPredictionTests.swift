import Dataset
import Foundation
import Testing
import Training
@testable import Scale

/// Sharding, resuming and merging in this process, on a 1,200-row catalogue (the 4-process run is in
/// `ShardProcessTests`).
@Suite(.serialized) struct ShardPredictionTests {
    static let rows = 1200

    @Test func shardsMergeToTheUnshardedTable() throws {
        let f = try fixture()
        let catalog = try f.catalogue(rows: Self.rows, name: "in-process.csv")
        let whole = f.folder.appendingPathComponent("whole.csv")
        let progress = try f.predictShard(.whole, catalog: catalog, out: whole)
        #expect(progress.finished && progress.inputRows == Self.rows && progress.rows == Self.rows)

        // Every row once, in order, each with the status its catalogue row asks for.
        let table = try lines(whole)
        #expect(table.first == Substring(ShardOutput.header(classNames: ClassList.memberNames).dropLast()))
        #expect(table.last == "")
        let body = table.dropFirst().dropLast()
        #expect(body.count == Self.rows)
        for (r, line) in body.enumerated() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            #expect(cells[0] == "\(r)")
            let status = r == 77 ? "bad_row" : r % 101 == 100 ? "no_image" : r % 500 == 499 ? "unreadable_image" : "ok"
            #expect(cells[7] == status, "row \(r): \(line)")
            if status == "ok" {
                let p = try #require(Double(cells[4]))
                #expect((0...1).contains(p))
            } else {
                #expect(cells[4].isEmpty && !cells[8].isEmpty)
            }
        }
        #expect(progress.predicted == body.filter { $0.contains(",ok,") }.count)

        let shards = (1...3).map { f.folder.appendingPathComponent("part-\($0).csv") }
        for (i, url) in shards.enumerated() {
            try f.predictShard(Shard(index: i + 1, count: 3), catalog: catalog, out: url)
        }
        let merged = f.folder.appendingPathComponent("merged.csv")
        let summary = try mergeShards(shards.reversed(), into: merged)
        #expect(summary == MergeSummary(shards: 3, rows: Self.rows, predicted: progress.predicted))
        #expect(try Data(contentsOf: merged) == Data(contentsOf: whole))
    }

    @Test func killedShardResumesWithEveryRowOnce() throws {
        let f = try fixture()
        let catalog = try f.catalogue(rows: Self.rows, name: "in-process.csv")
        let shard = try Shard(index: 2, count: 3)
        let clean = f.folder.appendingPathComponent("clean-2.csv")
        try f.predictShard(shard, catalog: catalog, out: clean)

        let killed = f.folder.appendingPathComponent("killed-2.csv")
        // Dies in the middle of its third flush of 128 cutouts...
        #expect(throws: Interrupted.Killed.self) { try f.predictShard(shard, catalog: catalog, out: killed, stopAfter: 300) }
        var progress = try ShardOutput.readProgress(of: killed)
        #expect(!progress.finished && progress.rows >= 256 && progress.rows < 300)  // two flushes of 128 cutouts
        // ...after half-writing a line the record does not count.
        let handle = try FileHandle(forWritingTo: killed)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("999,half a li".utf8))
        try handle.close()
        // A second kill, then a run to the end.
        #expect(throws: Interrupted.Killed.self) { try f.predictShard(shard, catalog: catalog, out: killed, force: false, stopAfter: 140) }
        progress = try f.predictShard(shard, catalog: catalog, out: killed, force: false)
        #expect(progress.finished)
        #expect(try Data(contentsOf: killed) == Data(contentsOf: clean))
        // Running a finished shard again changes nothing.
        try f.predictShard(shard, catalog: catalog, out: killed, force: false)
        #expect(try Data(contentsOf: killed) == Data(contentsOf: clean))
    }

    @Test func mergeRefusesIncompleteOrInconsistentShards() throws {
        let f = try fixture()
        let catalog = try f.catalogue(rows: 300, name: "small.csv")
        let parts = (1...3).map { f.folder.appendingPathComponent("small-\($0).csv") }
        for (i, url) in parts.enumerated() { try f.predictShard(Shard(index: i + 1, count: 3), catalog: catalog, out: url) }
        let out = f.folder.appendingPathComponent("small-merged.csv")
        func refusal(_ files: [URL]) -> String {
            do { _ = try mergeShards(files, into: out); return "merged" } catch { return "\(error)" }
        }
        #expect(refusal([parts[0], parts[2]]).contains("shards 2/3 are missing"))
        #expect(refusal([parts[0], parts[1], parts[1], parts[2]]).contains("are both shard 2/3"))

        // An unfinished shard.
        let partial = f.folder.appendingPathComponent("small-partial-2.csv")
        _ = try? f.predictShard(Shard(index: 2, count: 3), catalog: catalog, out: partial, flush: 16, stopAfter: 40)
        #expect(refusal([parts[0], partial, parts[2]]).contains("is not finished"))

        // A shard of another split.
        let other = f.folder.appendingPathComponent("small-other.csv")
        try f.predictShard(Shard(index: 1, count: 2), catalog: catalog, out: other)
        #expect(refusal([parts[0], other, parts[2]]).contains("all must come from one"))

        // A file changed after it finished: a line repeated, its record made to agree on the length.
        let text = try String(contentsOf: parts[1], encoding: .utf8)
        var rows = text.split(separator: "\n").map(String.init)
        rows.insert(rows[5], at: 5)
        let tampered = rows.joined(separator: "\n") + "\n"
        try tampered.write(to: parts[1], atomically: true, encoding: .utf8)
        #expect(refusal(parts).contains("was changed after it finished"))
        var progress = try ShardOutput.readProgress(of: parts[1])
        progress.bytes = tampered.utf8.count
        try ShardOutput.record(progress, at: ShardOutput.progressURL(for: parts[1]))
        #expect(refusal(parts).contains("has row '"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func resumeRefusesAnotherShardsOutput() throws {
        let f = try fixture()
        let catalog = try f.catalogue(rows: 300, name: "small.csv")
        let out = f.folder.appendingPathComponent("mine.csv")
        try f.predictShard(Shard(index: 1, count: 2), catalog: catalog, out: out)
        #expect(throws: ShardError.self) { try ShardOutput(out, shard: Shard(index: 2, count: 2), input: catalog.path, force: false) }
        try FileManager.default.removeItem(at: ShardOutput.progressURL(for: out))
        #expect(throws: ShardError.self) { try ShardOutput(out, shard: Shard(index: 1, count: 2), input: catalog.path, force: false) }
    }
}
