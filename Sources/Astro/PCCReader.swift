import Foundation

extension CatalogTable {
    /// Column names given to the Perseus Cluster Catalog export's fields (GAVO Heidelberg, Wittmann et al. 2019).
    /// Fields 6..19 are photometric and structural parameters (errors among them); they keep neutral names
    /// (`field6`...) rather than guessed meanings, and only the catalogue model uses them, as numbers.
    public static let pccColumns: [String] =
        ["altName", "id", "ra", "dec", "mag"] + pccParameterColumns + ["class", "nucleation", "url"]

    public static let pccParameterColumns = (6...19).map { "field\($0)" }

    /// Reads the PCC fixed-width export: fields separated by two or more spaces, `N/A` for missing, 21 fields, or 22
    /// for the dE/ETG candidates that carry a nucleation class (field 21); the last field is the stamp URL.
    public static func readPCC(_ url: URL) throws -> CatalogTable {
        parsePCC(try readText(url), source: url.path)
    }

    public static func parsePCC(_ text: String, source: String) -> CatalogTable {
        var rows: [Row] = []
        var malformed: [CatalogError] = []
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let fields = splitOnRunsOfSpaces(line)
            if fields.isEmpty || fields[0].hasPrefix("#") { continue }
            var cells = fields.map { missingAsNil($0) }
            switch cells.count {
            case 22: break
            case 21: cells.insert(nil, at: 20)  // no nucleation class
            default:
                malformed.append(CatalogError(
                    file: source, line: lineNumber,
                    message: "has \(cells.count) fields (split on 2+ spaces) where the PCC export has 21 or 22"))
                continue
            }
            rows.append(Row(line: lineNumber, cells: cells))
        }
        return CatalogTable(source: source, columns: pccColumns, rows: rows, malformed: malformed)
    }

    /// Splits on runs of two or more spaces (or tabs): single spaces belong to the class names.
    static func splitOnRunsOfSpaces(_ line: Substring) -> [String] {
        var fields: [String] = []
        var current = ""
        var spaces = ""
        for ch in line {
            if ch == " " || ch == "\t" || ch == "\r" {
                spaces.append(ch)
                continue
            }
            if !spaces.isEmpty {
                if spaces.count >= 2 || spaces.contains("\t") {
                    if !current.isEmpty { fields.append(current) }
                    current = ""
                } else if !current.isEmpty {
                    current += spaces
                }
                spaces = ""
            }
            current.append(ch)
        }
        if !current.isEmpty { fields.append(current) }
        return fields
    }
}
