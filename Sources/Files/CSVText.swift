/// A CSV field as RFC 4180 writes it: quoted when it holds a comma, a quote or a line break, quotes doubled.
public func csvField(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
