import Foundation

/// The primary header of a FITS file as text cards, read without cfitsio (only keywords are needed, not pixels):
/// the band order a survey records there, and cards added to a file whose header lacks it.
public enum FITSHeader {
    /// `(keyword, value)` of the primary header's cards up to END; string values unquoted and trimmed. Nil when
    /// the bytes are not a FITS file or the header has no END.
    public static func cards(_ data: Data) -> [(key: String, value: String)]? {
        let bytes = [UInt8](data.prefix(2880 * 36))
        guard bytes.count >= 2880, String(decoding: bytes[0..<6], as: UTF8.self) == "SIMPLE" else { return nil }
        var cards: [(String, String)] = []
        for start in stride(from: 0, to: bytes.count - 79, by: 80) {
            let card = String(decoding: bytes[start..<(start + 80)], as: UTF8.self)
            let key = card.prefix(8).trimmingCharacters(in: .whitespaces)
            if key == "END" { return cards }
            guard card.dropFirst(8).hasPrefix("= ") else { continue }
            var value = String(card.dropFirst(10)).trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("'") {
                // A string runs to the next single quote not doubled.
                var text = "", rest = value.dropFirst()
                while let quote = rest.firstIndex(of: "'") {
                    text += rest[..<quote]
                    rest = rest[rest.index(after: quote)...]
                    if rest.hasPrefix("'") { text += "'"; rest = rest.dropFirst() } else { break }
                }
                value = text.trimmingCharacters(in: .whitespaces)
            } else if let slash = value.firstIndex(of: "/") {
                value = value[..<slash].trimmingCharacters(in: .whitespaces)
            }
            cards.append((key, value))
        }
        return nil
    }

    /// The band of each plane, in plane order, as the header records it: `BAND0`, `BAND1`, ... (the Legacy Survey
    /// viewer's cubes), else `BANDS` (`grz` or `g,r,z`), else `FILTERS` (`g,r,i,z,y`). Nil when it records none.
    public static func bandNames(_ data: Data) -> [String]? {
        guard let cards = cards(data) else { return nil }
        let values = Dictionary(cards.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        var numbered: [String] = []
        while let band = values["BAND\(numbered.count)"], !band.isEmpty { numbered.append(band) }
        if !numbered.isEmpty { return numbered }
        for key in ["BANDS", "FILTERS"] {
            guard let list = values[key], !list.isEmpty else { continue }
            let parts = list.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
            return parts.count > 1 ? parts : list.map(String.init)
        }
        return nil
    }

    /// The file with `cards` (keyword, string value) added to its primary header before END; a 2880-byte block is
    /// inserted when the header has no room, so the data stay aligned.
    public static func adding(_ cards: [(String, String)], to data: Data) throws -> Data {
        var bytes = [UInt8](data)
        guard bytes.count >= 2880, String(decoding: bytes[0..<6], as: UTF8.self) == "SIMPLE" else {
            throw ImageError(.badArgument, "FITS header", "not a FITS file")
        }
        var end: Int?
        for start in stride(from: 0, to: min(bytes.count, 2880 * 36) - 79, by: 80)
        where String(decoding: bytes[start..<(start + 8)], as: UTF8.self) == "END     " {
            end = start
            break
        }
        guard let end else { throw ImageError(.corrupt, "FITS header", "the primary header has no END card") }
        var text = ""
        for (key, value) in cards {
            guard key.count <= 8, key.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                throw ImageError(.badArgument, "FITS header", "'\(key)' is not a FITS keyword")
            }
            let card = key.padding(toLength: 8, withPad: " ", startingAt: 0) + "= '"
                + value.replacingOccurrences(of: "'", with: "''") + "'"
            text += card.count >= 80 ? String(card.prefix(80)) : card + String(repeating: " ", count: 80 - card.count)
        }
        text += "END" + String(repeating: " ", count: 77)
        let headerEnd = (end / 2880 + 1) * 2880
        let needed = end + text.utf8.count
        let blocks = needed > headerEnd ? (needed - headerEnd + 2879) / 2880 : 0
        bytes.insert(contentsOf: [UInt8](repeating: 0x20, count: blocks * 2880), at: headerEnd)
        bytes.replaceSubrange(end..<needed, with: Array(text.utf8))
        return Data(bytes)
    }
}
