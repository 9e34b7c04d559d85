import Foundation

extension Image {
    /// The image as a FITS file: one primary HDU, 32-bit floats (BITPIX -32) in physical units, a 2-D image for
    /// one channel or a cube with one plane per channel (NAXIS3), rows bottom-first as FITS counts them, so that
    /// `Image(contentsOf:)` reads back exactly this image. `keywords` adds header cards (8-character names,
    /// string values).
    public func fitsData(keywords: [(String, String)] = []) throws -> Data {
        guard width > 0, height > 0 else { throw ImageError(.badArgument, "FITS writer", "cannot write a \(width)x\(height) image") }
        func card(_ text: String) -> String {
            text.count >= 80 ? String(text.prefix(80)) : text + String(repeating: " ", count: 80 - text.count)
        }
        func value(_ key: String, _ v: String) -> String {
            card(key.padding(toLength: 8, withPad: " ", startingAt: 0) + "= " + String(repeating: " ", count: max(0, 20 - v.count)) + v)
        }
        var header = [value("SIMPLE", "T"), value("BITPIX", "-32"), value("NAXIS", channels == 1 ? "2" : "3"),
                      value("NAXIS1", String(width)), value("NAXIS2", String(height))]
        if channels > 1 { header.append(value("NAXIS3", String(channels))) }
        for (key, text) in keywords {
            guard key.count <= 8, key.allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw ImageError(.badArgument, "FITS writer", "'\(key)' is not a FITS keyword (up to 8 of A-Z 0-9 - _)")
            }
            header.append(card(key.padding(toLength: 8, withPad: " ", startingAt: 0) + "= '"
                               + text.replacingOccurrences(of: "'", with: "''") + "'"))
        }
        header.append(card("END"))
        var data = Data(header.joined().utf8)
        data.append(Data(repeating: 0x20, count: (2880 - data.count % 2880) % 2880))
        var body = [UInt8]()
        body.reserveCapacity(pixels.count * 4)
        for c in 0..<channels {
            for y in stride(from: height - 1, through: 0, by: -1) {
                for x in 0..<width {
                    let bits = pixels[(c * height + y) * width + x].bitPattern.bigEndian
                    withUnsafeBytes(of: bits) { body.append(contentsOf: $0) }
                }
            }
        }
        data.append(contentsOf: body)
        data.append(Data(repeating: 0, count: (2880 - body.count % 2880) % 2880))
        return data
    }
}
