import Astro
import Foundation

/// What `mergeShards` joined.
public struct MergeSummary: Sendable, Equatable {
    public var shards: Int
    public var rows: Int
    public var predicted: Int
}

/// Joins the outputs of shards 1...N of one input into one table in the input's row order, after checking that it
/// will be complete: every shard present once, finished, agreeing on the input and its row count, its file exactly
/// as long as its progress record says; then, row by row, that row r comes from shard r % N + 1 and has index r
/// (so no row is missing or repeated). Shard I holds rows I-1, I-1+N, ..., so the join is a round-robin over the
/// files, holding one line per shard. The output is written to a temporary file and renamed into place only when
/// every check has passed. A FITS `out` (`.fits`) is written from the merged rows, which go to a temporary CSV first;
/// a FITS shard output is read through its rows file (`ShardTable.streamURL`).
public func mergeShards(_ files: [URL], into out: URL) throws -> MergeSummary {
    guard TableFormat(out) == .fits else { return try mergeShardRows(files, into: out) }
    let rows = out.deletingLastPathComponent().appendingPathComponent(".\(out.lastPathComponent).merge-\(getpid()).csv")
    defer { try? FileManager.default.removeItem(at: rows) }
    let summary = try mergeShardRows(files, into: rows)
    try ShardTable.read(rows).write(to: out)
    return summary
}

private func mergeShardRows(_ given: [URL], into out: URL) throws -> MergeSummary {
    let files = given.map(ShardTable.streamURL(for:))
    guard !files.isEmpty else { throw ShardError("no shard outputs to merge") }
    var byIndex: [Int: (url: URL, progress: ShardProgress)] = [:]
    var count: Int?
    for url in files {
        let progress = try ShardOutput.readProgress(of: url)
        let shard = try Shard(parsing: progress.shard)
        if let count, count != shard.count {
            throw ShardError("\(url.path) is shard \(shard) but another file is a shard of \(count); all must come from one --shard I/N split")
        }
        count = shard.count
        if let other = byIndex[shard.index] {
            throw ShardError("\(url.path) and \(other.url.path) are both shard \(shard)")
        }
        guard progress.finished, let inputRows = progress.inputRows else {
            throw ShardError("\(url.path) (shard \(shard)) is not finished: it stopped before row \(progress.nextRow); run its `perseus predict` again to resume it")
        }
        if let first = byIndex.values.first?.progress {
            guard first.input == progress.input else {
                throw ShardError("\(url.path) predicted \(progress.input), but shard \(first.shard) predicted \(first.input)")
            }
            guard first.inputRows == inputRows else {
                throw ShardError("\(url.path) counted \(inputRows) input rows, but shard \(first.shard) counted \(first.inputRows ?? 0)")
            }
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? nil
        guard size == progress.bytes else {
            throw ShardError("\(url.path) is \(size.map(String.init) ?? "unreadable") bytes long but its progress record says \(progress.bytes); it was changed after it finished")
        }
        byIndex[shard.index] = (url, progress)
    }
    let n = count!
    let absent = (1...n).filter { byIndex[$0] == nil }
    guard absent.isEmpty else {
        throw ShardError("shards \(absent.map { "\($0)/\(n)" }.joined(separator: ", ")) are missing; \(byIndex.count) of \(n) given")
    }
    let shards = (1...n).map { byIndex[$0]! }
    let inputRows = shards[0].progress.inputRows!

    let readers = try shards.map { try ByteReader(url: $0.url) }
    // Every shard's header is the first's: the same classes, so the same columns.
    let header = try readers[0].line() ?? []
    let columns = try CatalogTable.parseCSV(String(decoding: header, as: UTF8.self) + "\n", source: shards[0].url.path).columns
    guard ShardOutput.classNames(inHeader: columns) != nil else {
        throw ShardError("\(shards[0].url.path) does not start with a predictions header (row,id,ra,dec,...,status,problem)")
    }
    for (i, reader) in readers.enumerated().dropFirst() where try reader.line() != header {
        throw ShardError("\(shards[i].url.path) has other columns than \(shards[0].url.path) (\(String(decoding: header, as: UTF8.self))): the shards were predicted with runs of other classes")
    }

    let folder = out.deletingLastPathComponent()
    let temporary = folder.appendingPathComponent(".\(out.lastPathComponent).tmp-\(getpid())")
    guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
          let handle = try? FileHandle(forWritingTo: temporary) else {
        throw ShardError("cannot create \(temporary.path)")
    }
    var moved = false
    defer {
        try? handle.close()
        if !moved { try? FileManager.default.removeItem(at: temporary) }
    }
    var buffer: [UInt8] = []
    buffer.reserveCapacity(1 << 20)
    buffer += header
    buffer.append(UInt8(ascii: "\n"))
    func drain() throws {
        do { try handle.write(contentsOf: buffer) } catch {
            throw ShardError("cannot write \(temporary.path): \(error.localizedDescription)")
        }
        buffer.removeAll(keepingCapacity: true)
    }
    for row in 0..<inputRows {
        let s = row % n
        guard let line = try readers[s].line() else {
            throw ShardError("\(shards[s].url.path) (shard \(s + 1)/\(n)) ends before row \(row)")
        }
        let field = line.prefix { $0 != UInt8(ascii: ",") }
        guard let index = Int(String(decoding: field, as: UTF8.self)), index == row else {
            throw ShardError("\(shards[s].url.path) (shard \(s + 1)/\(n)) has row '\(String(decoding: field, as: UTF8.self))' where row \(row) belongs")
        }
        buffer += line
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 1 << 20 { try drain() }
    }
    for (s, reader) in readers.enumerated() where try reader.line() != nil {
        throw ShardError("\(shards[s].url.path) (shard \(s + 1)/\(n)) has rows after the input's last row \(inputRows - 1)")
    }
    try drain()
    do { try handle.synchronize() } catch {
        throw ShardError("cannot write \(temporary.path): \(error.localizedDescription)")
    }
    guard rename(temporary.path, out.path) == 0 else {
        throw ShardError("cannot move \(temporary.path) to \(out.path): \(String(cString: strerror(errno)))")
    }
    moved = true
    return MergeSummary(shards: n, rows: inputRows, predicted: shards.map(\.progress.predicted).reduce(0, +))
}
