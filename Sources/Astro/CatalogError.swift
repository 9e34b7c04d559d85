/// A catalogue that cannot be read, or a row in it that cannot be used: names the file, the line (1-based line in
/// a text file, 1-based row in a FITS table) and the column, so the user can go straight to the bad value.
public struct CatalogError: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String
    public var line: Int?
    public var column: String?
    public var message: String

    public init(file: String, line: Int? = nil, column: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        var s = file
        if let line { s += ", line \(line)" }
        if let column { s += ", column '\(column)'" }
        return s + ": " + message
    }
}

/// What a reader does with a row it cannot use: stop with its error, or leave it out and list it in
/// `Catalog.skipped`.
public enum BadRowPolicy: Sendable {
    case stop
    case skip
}
