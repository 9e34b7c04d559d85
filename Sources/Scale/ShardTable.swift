import Astro
import Dataset
import Foundation

/// Prediction outputs as typed tables: `perseus predict` and `perseus merge` write CSV, or a FITS binary table when
/// `--out` ends in `.fits`. A FITS table cannot be appended to row by row and survive a kill, so a FITS output's
/// rows stream to `FILE.rows.csv` beside it (with its progress record, resumed exactly as a CSV output is), and the
/// table is written from those rows, atomically, once they are complete.
public enum ShardTable {
    /// Where the rows of `out` stream: `out` itself for CSV, `out.rows.csv` for FITS.
    public static func streamURL(for out: URL) -> URL {
        guard TableFormat(out) == .fits else { return out }
        return out.deletingLastPathComponent().appendingPathComponent(out.lastPathComponent + ".rows.csv")
    }

    /// Opens the rows of `out` for shard `shard` (see `ShardOutput.init`); a FITS file already at `out` without
    /// its rows file is refused unless `force`, as a CSV without its progress record is.
    public static func open(_ out: URL, shard: Shard, input: String, classNames: [String] = ClassList.memberNames,
                            force: Bool) throws -> ShardOutput {
        let stream = streamURL(for: out)
        let fm = FileManager.default
        if stream != out {
            if force { try? fm.removeItem(at: out) }
            if fm.fileExists(atPath: out.path), !fm.fileExists(atPath: ShardOutput.progressURL(for: stream).path) {
                throw ShardError("\(out.path) exists without its rows file \(stream.lastPathComponent) and progress record; use --force to replace it or choose another --out")
            }
        }
        return try ShardOutput(stream, shard: shard, input: input, classNames: classNames, force: force)
    }

    /// Writes the FITS table `out` from its finished rows (nothing to do for a CSV output).
    public static func finish(_ out: URL) throws {
        let stream = streamURL(for: out)
        guard stream != out else { return }
        let progress = try ShardOutput.readProgress(of: stream)
        guard progress.finished else { throw ShardError("\(stream.path) is not finished; run the same command again to resume it") }
        try read(stream).write(to: out)
    }

    /// A predictions CSV (a shard's or a merge's, with either header of `ShardOutput.header(classNames:)`) as a typed
    /// table: ra and dec in degrees, missing values where a row has no prediction.
    public static func read(_ csv: URL) throws -> OutputTable {
        let table = try CatalogTable.readCSV(csv)
        let columns = table.columns
        guard let classNames = ShardOutput.classNames(inHeader: columns) else {
            throw ShardError("\(csv.path) does not have a predictions header (\(ShardOutput.header(classNames: ClassList.memberNames).dropLast()), or row,id,ra,dec,label,spread,p_<class>...,status,problem); it has \(columns.joined(separator: ","))")
        }
        if let bad = table.malformed.first { throw ShardError("\(csv.path): \(bad)") }
        func cells(_ i: Int) -> [String?] { table.rows.map { $0.cells[i] } }
        /// Column `i` parsed by `parse`; a cell it refuses is an error naming the line and what was expected.
        func values<T>(_ i: Int, _ what: String, _ parse: (String) -> T?) throws -> [T?] {
            try table.rows.map { row in
                guard let text = row.cells[i] else { return nil }
                guard let value = parse(text) else {
                    throw ShardError("\(csv.path) line \(row.line): \(columns[i]) '\(text)' is not \(what)")
                }
                return value
            }
        }
        func doubles(_ i: Int) throws -> [Double?] { try values(i, "a number") { Double($0) } }
        func probability(_ i: Int) throws -> OutputTable.Column { .init(columns[i], .double(try doubles(i)), decimals: 6) }
        let predicted: [OutputTable.Column] = classNames.count == 2
            ? [try probability(4), try probability(5), .init("label", .int64(try values(6, "an integer") { Int64($0) }))]
            : [.init("label", .text(cells(4))), try probability(5)] + (try (6..<(columns.count - 2)).map(probability))
        return try OutputTable([
            .init("row", .int64(try values(0, "an integer") { Int64($0) })),
            .identifiers("id", cells(1).map { $0 ?? "" }),
            .init("ra", unit: "deg", .double(try doubles(2))),
            .init("dec", unit: "deg", .double(try doubles(3))),
        ] + predicted + [
            .init("status", .text(cells(columns.count - 2))),
            .init("problem", .text(cells(columns.count - 1))),
        ])
    }
}
