import Foundation

extension CatalogTable {
    /// Reads comma-separated text as SDSS SkyServer and CasJobs write it, and as most tools do:
    /// - comment lines starting with `#` before the header are skipped (SkyServer's `#Table1`);
    /// - an unnamed first column (pandas' row index) is named `index`;
    /// - fields may be quoted, with `""` for a quote inside; quoted fields may span lines;
    /// - empty cells and `N/A`, `NULL`, `NaN` are missing values.
    /// A row with more or fewer fields than the header is listed in `malformed` with its line.
    public static func readCSV(_ url: URL) throws -> CatalogTable {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw CatalogError(file: url.path, message: "cannot read the file: \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CatalogError(file: url.path, message: "is not UTF-8 text")
        }
        return try parseCSV(text, source: url.path)
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

/// Splits CSV text into records (RFC 4180 quoting), remembering the line each record starts on.
enum CSVTokenizer {
    struct Record {
        var line: Int
        var fields: [String]
    }

    static func records(_ text: String, source: String) throws -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var recordLine = 1
        var inQuotes = false
        var quoteLine = 0
        let bytes = Array(text.utf8)
        var i = 0
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        while i < bytes.count {
            let b = bytes[i]
            if inQuotes {
                if b == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(b)
                        i += 1
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
                if b == UInt8(ascii: "\r") && i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\n") { i += 1 }
                endField()
                records.append(Record(line: recordLine, fields: fields))
                fields.removeAll()
                line += 1
                recordLine = line
            } else {
                field.append(b)
            }
            i += 1
        }
        if inQuotes {
            throw CatalogError(file: source, line: quoteLine, message: "a quoted field is never closed")
        }
        if !field.isEmpty || !fields.isEmpty {
            endField()
            records.append(Record(line: recordLine, fields: fields))
        }
        return records
    }
}
