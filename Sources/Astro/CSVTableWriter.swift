extension OutputTable {
    /// The table as CSV: a header of the column names, one line per row, empty cells for missing values; a field
    /// is quoted when it holds a comma or quote, and line breaks become spaces so every record is one line.
    public func csv() -> String {
        var text = columns.map { csvField($0.name) }.joined(separator: ",") + "\n"
        for row in 0..<rowCount {
            text += columns.map { csvField($0.text(row)) }.joined(separator: ",") + "\n"
        }
        return text
    }
}

/// A CSV field as every table Perseus writes spells it: quoted when it holds a comma or quote, and line breaks
/// become spaces so every record is one line (which `perseus merge` and line-based tools rely on).
public func csvField(_ text: String) -> String {
    var t = text
    if t.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" }) {
        var scalars = String.UnicodeScalarView()
        for s in t.unicodeScalars { scalars.append(s == "\n" || s == "\r" ? " " : s) }
        t = String(scalars)
    }
    guard t.contains(where: { $0 == "," || $0 == "\"" }) else { return t }
    return "\"" + t.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
