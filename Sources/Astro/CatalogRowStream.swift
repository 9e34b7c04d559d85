import Foundation

/// One data row of a catalogue as a stream reads it.
public struct StreamedRow: Sendable {
    /// 0-based position among the file's data rows (the header, comment and blank lines are not rows; a malformed
    /// row is one). Shards split a catalogue by this number.
    public var index: Int
    /// 1-based line in a text file.
    public var line: Int
    /// One cell per column; empty when the row is malformed.
    public var cells: [String?]
    /// Why the row could not be split into cells (wrong field count), if it could not.
    public var malformed: CatalogError?
}

/// Reads a CSV or PCC catalogue one row at a time, holding one block of the file and one row in memory, so it can
/// walk a catalogue of any length. It reads exactly what `CatalogTable.readCSV` / `readPCC` read (same comment,
/// header, quoting and missing-value rules); `CatalogTable.read` remains the way to load a small table whole.
public final class CatalogRowStream {
    public enum Format: Sendable { case csv, pcc }

    public let source: String
    public let format: Format
    public let columns: [String]
    /// How the columns map to quantities (the PCC mapping for the PCC export, else SDSS names), as `Catalog.read`.
    public let mapping: ColumnMapping
    /// Data rows handed out so far (the catalogue's row count once `next()` has returned nil).
    public private(set) var rowsRead = 0

    private let bytes: ByteReader
    private var line = 1
    /// A PCC data line met while looking for the (absent) header.
    private var pending: StreamedRow?

    /// Opens a catalogue, telling CSV from the PCC export as `CatalogTable.read` does; FITS tables are refused
    /// with a message (read them whole with `Catalog.read`). `blockSize` is the bytes read at a time.
    public init(url: URL, blockSize: Int = 1 << 16) throws {
        source = url.path
        bytes = try ByteReader(url: url, blockSize: blockSize)
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw CatalogError(file: url.path, message: "cannot open the file")
        }
        let head = (try? handle.read(upToCount: 4096)) ?? Data()
        try? handle.close()
        if head.starts(with: Array("SIMPLE  =".utf8)) {
            throw CatalogError(file: url.path, message: "is a FITS table; streaming reads CSV and the PCC text export (convert it, or split it into CSV files)")
        }
        let text = String(decoding: head, as: UTF8.self)
        let firstLine = text.split(separator: "\n").first { !$0.hasPrefix("#") } ?? ""
        if firstLine.contains(",") {
            format = .csv
            var header: [String]?
            while header == nil, let record = try CSVTokenizer.next(bytes, line: &line, source: url.path) {
                if record.fields.count == 1 && record.fields[0].isEmpty || record.fields.first?.hasPrefix("#") == true { continue }
                header = record.fields.map { $0.trimmingCharacters(in: .whitespaces) }
            }
            guard var columns = header else { throw CatalogError(file: url.path, message: "has no header line") }
            if columns.first == "" { columns[0] = "index" }
            if let empty = columns.firstIndex(of: "") {
                throw CatalogError(file: url.path, message: "column \(empty + 1) of the header has no name")
            }
            self.columns = columns
            mapping = .sdss(columns: columns)
            let table = CatalogTable(source: url.path, columns: columns, rows: [])
            for (role, column) in mapping.named where table.columnIndex(column) == nil {
                throw CatalogError(file: url.path, column: column,
                                   message: "the \(role) column '\(column)' is missing; the table has: " + columns.joined(separator: ", "))
            }
        } else {
            format = .pcc
            columns = CatalogTable.pccColumns
            mapping = .pcc
        }
    }

    /// The next data row; nil at the end of the file.
    public func next() throws -> StreamedRow? {
        switch format {
        case .csv: return try nextCSV()
        case .pcc: return try nextPCC()
        }
    }

    /// Passes over the next data row without splitting it into cells (a shard's rows of other shards): much
    /// faster than `next()`, and numbering rows the same way. False at the end of the file.
    public func skip() throws -> Bool {
        switch format {
        case .csv:
            while let record = try bytes.skipCSVRecord() {
                line += record.lines
                if record.blank { continue }
                rowsRead += 1
                return true
            }
        case .pcc:
            while let first = try bytes.skipLine() {
                line += 1
                guard let first, first != UInt8(ascii: "#") else { continue }
                rowsRead += 1
                return true
            }
        }
        return false
    }

    private func nextCSV() throws -> StreamedRow? {
        while let record = try CSVTokenizer.next(bytes, line: &line, source: source) {
            if record.fields.count == 1 && record.fields[0].trimmingCharacters(in: .whitespaces).isEmpty { continue }
            defer { rowsRead += 1 }
            guard record.fields.count == columns.count else {
                return StreamedRow(index: rowsRead, line: record.line, cells: [], malformed: CatalogError(
                    file: source, line: record.line,
                    message: "has \(record.fields.count) fields where the header has \(columns.count)"))
            }
            return StreamedRow(index: rowsRead, line: record.line, cells: record.fields.map(CatalogTable.missingAsNil))
        }
        return nil
    }

    private func nextPCC() throws -> StreamedRow? {
        while let bytesOfLine = try bytes.line() {
            let number = line
            line += 1
            let fields = CatalogTable.splitOnRunsOfSpaces(Substring(String(decoding: bytesOfLine, as: UTF8.self)))
            if fields.isEmpty || fields[0].hasPrefix("#") { continue }
            defer { rowsRead += 1 }
            var cells = fields.map { CatalogTable.missingAsNil($0) }
            switch cells.count {
            case 22: break
            case 21: cells.insert(nil, at: 20)
            default:
                return StreamedRow(index: rowsRead, line: number, cells: [], malformed: CatalogError(
                    file: source, line: number,
                    message: "has \(cells.count) fields (split on 2+ spaces) where the PCC export has 21 or 22"))
            }
            return StreamedRow(index: rowsRead, line: number, cells: cells)
        }
        return nil
    }
}

extension Catalog {
    /// Types a run of streamed rows as `Catalog(table:mapping:policy:)` types a whole table: one result per row, in
    /// order, the object or the error that row's values (or its shape) raise.
    public static func objects(_ rows: [StreamedRow], of stream: CatalogRowStream) -> [Result<CatalogObject, CatalogError>] {
        let good = rows.filter { $0.malformed == nil }.map { CatalogTable.Row(line: $0.line, cells: $0.cells) }
        var byLine: [Int: Result<CatalogObject, CatalogError>] = [:]
        do {
            let catalog = try Catalog(table: CatalogTable(source: stream.source, columns: stream.columns, rows: good),
                                      mapping: stream.mapping, policy: .skip)
            for object in catalog.objects { byLine[object.line] = .success(object) }
            for error in catalog.skipped { if let line = error.line { byLine[line] = .failure(error) } }
        } catch let error as CatalogError {
            // A column the mapping needs is missing: every row fails the same way.
            return rows.map { .failure($0.malformed ?? error) }
        } catch {
            return rows.map { .failure($0.malformed ?? CatalogError(file: stream.source, message: "\(error)")) }
        }
        return rows.map { row in
            if let malformed = row.malformed { return .failure(malformed) }
            return byLine[row.line] ?? .failure(CatalogError(file: stream.source, line: row.line, message: "was not typed"))
        }
    }
}
