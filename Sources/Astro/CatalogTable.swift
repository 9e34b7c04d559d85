/// A catalogue file as read, before any column has a meaning: named columns of text cells, each row remembering the
/// line it came from. Every reader (PCC text, CSV, FITS) produces one of these, and `Catalog(table:mapping:)` turns it
/// into typed objects, so the checks and error messages are the same whatever the file format.
public struct CatalogTable: Sendable {
    public struct Row: Sendable {
        /// 1-based line in a text file, 1-based row in a FITS table.
        public var line: Int
        /// One cell per column; `nil` where the file has no value (empty cell, `N/A`, FITS null).
        public var cells: [String?]

        public init(line: Int, cells: [String?]) {
            self.line = line
            self.cells = cells
        }
    }

    /// The file (or other source) the table came from, for error messages.
    public var source: String
    public var columns: [String]
    public var rows: [Row]
    /// Rows the reader could not split into cells (wrong field count, unterminated quote).
    public var malformed: [CatalogError]

    public init(source: String, columns: [String], rows: [Row], malformed: [CatalogError] = []) {
        self.source = source
        self.columns = columns
        self.rows = rows
        self.malformed = malformed
    }

    /// The index of a column, matching names without regard to case (SDSS and FITS spell them either way).
    public func columnIndex(_ name: String) -> Int? {
        if let exact = columns.firstIndex(of: name) { return exact }
        let lower = name.lowercased()
        return columns.firstIndex { $0.lowercased() == lower }
    }
}
