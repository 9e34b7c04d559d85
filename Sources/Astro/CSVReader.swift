import Foundation

extension CatalogTable {
    /// Reads comma-separated text as SDSS SkyServer and CasJobs write it, and as most tools do:
    /// - comment lines starting with `#` before the header are skipped (SkyServer's `#Table1`);
    /// - an unnamed first column (pandas' row index) is named `index`;
    /// - fields may be quoted, with `""` for a quote inside; quoted fields may span lines;
    /// - empty cells and `N/A`, `NULL`, `NaN` are missing values.
    /// A row with more or fewer fields than the header is listed in `malformed` with its line.
    public static func readCSV(_ url: URL) throws -> CatalogTable {
        try parseCSV(readText(url), source: url.path)
    }

    /// A catalogue file's text; an unreadable file or one that is not UTF-8 is an error naming it.
    static func readText(_ url: URL) throws -> String {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw CatalogError(file: url.path, message: "cannot read the file: \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CatalogError(file: url.path, message: "is not UTF-8 text")
        }
        return text
    }

    /// Parses CSV text; `source` names it in errors.
    public static func parseCSV(_ text: String, source: String) throws -> CatalogTable {
        var records = try CSVTokenizer.records(text, source: source)
        while let first = records.first, first.fields.count == 1 && first.fields[0].isEmpty
            || first.fields.first?.hasPrefix("#") == true {
            records.removeFirst()
        }
        guard let header = records.first else {
            throw CatalogError(file: source, message: "has no header line")
        }
        var columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        if columns.first == "" { columns[0] = "index" }
        if let empty = columns.firstIndex(of: "") {
            throw CatalogError(file: source, line: header.line, message: "column \(empty + 1) of the header has no name")
        }
        var rows: [Row] = []
        var malformed: [CatalogError] = []
        for record in records.dropFirst() {
            if record.fields.count == 1 && record.fields[0].trimmingCharacters(in: .whitespaces).isEmpty { continue }
            guard record.fields.count == columns.count else {
                malformed.append(CatalogError(
                    file: source, line: record.line,
                    message: "has \(record.fields.count) fields where the header has \(columns.count)"))
                continue
            }
            rows.append(Row(line: record.line, cells: record.fields.map(missingAsNil)))
        }
        return CatalogTable(source: source, columns: columns, rows: rows, malformed: malformed)
    }

    static func missingAsNil(_ cell: String) -> String? {
        let t = cell.trimmingCharacters(in: .whitespaces)
        switch t.uppercased() {
        case "", "N/A", "NULL", "NAN", "NONE": return nil
        default: return t
        }
    }
}

/// Splits CSV into records (RFC 4180 quoting; quoted fields may span lines), remembering the line each record
/// starts on. The one tokenizer: whole files (`records`) and streamed catalogues (`next`) split the same way.
enum CSVTokenizer {
    struct Record {
        var line: Int
        var fields: [String]
    }

    static func records(_ text: String, source: String) throws -> [Record] {
        let bytes = ByteReader(bytes: Array(text.utf8), source: source)
        var records: [Record] = []
        var line = 1
        while let record = try next(bytes, line: &line, source: source) { records.append(record) }
        return records
    }

    /// The next record from `bytes`, or nil at the end; `line` is the line the record starts on, and is advanced
    /// past it.
    static func next(_ bytes: ByteReader, line: inout Int, source: String) throws -> Record? {
        guard try bytes.peek() != nil else { return nil }
        var fields: [String] = []
        var field: [UInt8] = []
        let recordLine = line
        var inQuotes = false
        var quoteLine = 0
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        while let b = try bytes.next() {
            if inQuotes {
                if b == UInt8(ascii: "\"") {
                    if try bytes.peek() == UInt8(ascii: "\"") {
                        field.append(b)
                        _ = try bytes.next()
                    } else {
                        inQuotes = false
                    }
                } else {
                    if b == UInt8(ascii: "\n") { line += 1 }
                    field.append(b)
                }
            } else if b == UInt8(ascii: "\"") && field.allSatisfy({ $0 == UInt8(ascii: " ") }) {
                field.removeAll()
                inQuotes = true
                quoteLine = line
            } else if b == UInt8(ascii: ",") {
                endField()
            } else if b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") {
                if b == UInt8(ascii: "\r"), try bytes.peek() == UInt8(ascii: "\n") { _ = try bytes.next() }
                endField()
                line += 1
                return Record(line: recordLine, fields: fields)
            } else {
                field.append(b)
            }
        }
        if inQuotes {
            throw CatalogError(file: source, line: quoteLine, message: "a quoted field is never closed")
        }
        guard !field.isEmpty || !fields.isEmpty else { return nil }
        endField()
        return Record(line: recordLine, fields: fields)
    }
}
