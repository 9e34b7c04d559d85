import Astro
import Dataset
import Files
import Foundation
import Runs
import Training

/// What a shard's output holds, written next to it (`FILE.csv.progress`, JSON) atomically after every flushed
/// batch: the output's first `bytes` bytes hold exactly the shard's rows before `nextRow`. A resumed run cuts the
/// output back to `bytes` and goes on from `nextRow`, so a kill at any moment loses at most one batch and never
/// duplicates a row.
public struct ShardProgress: Codable, Equatable, Sendable {
    /// `I/N`.
    public var shard: String
    /// The input (catalogue or folder), as given; a resume must name the same one.
    public var input: String
    public var nextRow: Int
    public var bytes: Int
    /// Rows written (this shard's), with and without a prediction.
    public var rows: Int
    public var predicted: Int
    /// Set when the shard has written its last row.
    public var finished: Bool
    /// The input's data rows (every shard's), known once finished; `perseus merge` checks the shards agree on it.
    public var inputRows: Int?
}

/// A shard's output CSV and its progress record.
public final class ShardOutput {
    /// The output's header line. Membership (two classes): `row,id,ra,dec,member_probability,spread,label,status,
    /// problem`, the label 0 or 1. More classes: `row,id,ra,dec,label,spread,p_<class>...,status,problem`, the label
    /// the most probable class's name and the spread that of its probability.
    public static func header(classNames: [String]) -> String {
        guard classNames.count > 2 else { return "row,id,ra,dec,member_probability,spread,label,status,problem\n" }
        return "row,id,ra,dec,label,spread,\(classNames.map { csvField("p_" + $0) }.joined(separator: ",")),status,problem\n"
    }

    /// The classes a predictions header (its column names, as a CSV reader gives them) was written for: `header(classNames:)`
    /// read back, or nil when the columns are not a predictions header.
    public static func classNames(inHeader columns: [String]) -> [String]? {
        let names = columns.count > 8 && columns[4] == "label"
            ? columns[6..<(columns.count - 2)].map { String($0.dropFirst(2)) } : ClassList.memberNames
        return columns.map(csvField).joined(separator: ",") + "\n" == header(classNames: names) ? names : nil
    }

    public let url: URL
    public private(set) var progress: ShardProgress
    private let handle: FileHandle?

    public static func progressURL(for url: URL) -> URL {
        url.deletingLastPathComponent().appendingPathComponent(url.lastPathComponent + ".progress")
    }

    public var progressURL: URL { Self.progressURL(for: url) }

    /// Opens the output of `shard` over `input` for `classNames`: a new file holding the header or, when a progress
    /// record is present, the file cut back to what it records (its header must be this one). `force` starts afresh.
    public init(_ url: URL, shard: Shard, input: String, classNames: [String] = ClassList.memberNames, force: Bool) throws {
        self.url = url
        let header = Self.header(classNames: classNames)
        let fm = FileManager.default
        let progressURL = Self.progressURL(for: url)
        if force {
            try? fm.removeItem(at: url)
            try? fm.removeItem(at: progressURL)
        }
        if let data = fm.contents(atPath: progressURL.path) {
            guard let recorded = try? JSONDecoder().decode(ShardProgress.self, from: data) else {
                throw ShardError("\(progressURL.path) is not a progress record; remove it (and \(url.lastPathComponent)) or use --force")
            }
            guard recorded.shard == shard.description, recorded.input == input else {
                throw ShardError("\(url.path) belongs to shard \(recorded.shard) of \(recorded.input), not \(shard) of \(input); choose another --out or use --force")
            }
            progress = recorded
            if recorded.finished { handle = nil; return }
            let size = (try? fm.attributesOfItem(atPath: url.path)[.size] as? Int) ?? nil
            guard let size, size >= recorded.bytes else {
                throw ShardError("\(url.path) is shorter than its progress record says (\(recorded.bytes) bytes); it cannot be resumed: use --force")
            }
            let written = try? ByteReader(url: url).line().map { String(decoding: $0, as: UTF8.self) + "\n" }
            guard written == header else {
                throw ShardError("\(url.path) was begun with the columns \((written ?? "").dropLast()), but this prediction writes \(header.dropLast()) (other classes); choose another --out or use --force to start afresh")
            }
            guard truncate(url.path, off_t(recorded.bytes)) == 0 else {
                throw ShardError("cannot cut \(url.path) back to \(recorded.bytes) bytes: \(String(cString: strerror(errno)))")
            }
        } else {
            if fm.fileExists(atPath: url.path) {
                throw ShardError("\(url.path) exists without a progress record (\(progressURL.lastPathComponent)); use --force to replace it or choose another --out")
            }
            guard fm.createFile(atPath: url.path, contents: Data(header.utf8)) else {
                throw ShardError("cannot create \(url.path)")
            }
            progress = ShardProgress(shard: shard.description, input: input, nextRow: 0, bytes: header.utf8.count, rows: 0,
                                     predicted: 0, finished: false, inputRows: nil)
            try Self.record(progress, at: progressURL)
        }
        do {
            let handle = try FileHandle(forWritingTo: url)
            try handle.seekToEnd()
            self.handle = handle
        } catch {
            throw ShardError("cannot open \(url.path) for appending: \(error.localizedDescription)")
        }
    }

    deinit { try? handle?.close() }

    public var isFinished: Bool { progress.finished }

    /// Appends rows and records that everything before `nextRow` is done: the rows reach the disk before the
    /// record that counts them.
    public func append(_ text: String, rows: Int, predicted: Int, nextRow: Int) throws {
        guard let handle else { throw ShardError("\(url.path) is finished; nothing more can be appended") }
        let data = Data(text.utf8)
        do {
            try handle.write(contentsOf: data)
            try handle.synchronize()
        } catch {
            throw ShardError("cannot append to \(url.path): \(error.localizedDescription)")
        }
        progress.bytes += data.count
        progress.rows += rows
        progress.predicted += predicted
        progress.nextRow = nextRow
        try Self.record(progress, at: progressURL)
    }

    /// Records that the shard has written its last row, and how many rows the input has.
    public func finish(inputRows: Int) throws {
        progress.finished = true
        progress.inputRows = inputRows
        progress.nextRow = max(progress.nextRow, inputRows)
        try Self.record(progress, at: progressURL)
    }

    static func record(_ progress: ShardProgress, at url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(encoder.encode(progress) + Data("\n".utf8), to: url)
    }

    public static func readProgress(of url: URL) throws -> ShardProgress {
        let progressURL = Self.progressURL(for: url)
        guard let data = FileManager.default.contents(atPath: progressURL.path) else {
            throw ShardError("\(url.path) has no progress record (\(progressURL.lastPathComponent)): not a shard output, or never started")
        }
        guard let progress = try? JSONDecoder().decode(ShardProgress.self, from: data) else {
            throw ShardError("\(progressURL.path) is not a progress record")
        }
        return progress
    }
}
