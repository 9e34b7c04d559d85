/// The image formats Perseus reads, recognised from a file's first bytes (its magic number), never its name:
/// the PCC cutouts are JPEG files that were once saved with a `.png` name.
public enum ImageFormat: String, Sendable, CaseIterable {
    case jpeg = "JPEG"
    case png = "PNG"
    case fits = "FITS"

    /// The format whose signature starts `bytes`, or nil.
    /// JPEG: SOI marker FF D8 FF. PNG: the 8-byte signature 89 'PNG' CR LF 1A LF. FITS: a primary header whose
    /// first card is `SIMPLE  =` (the standard requires it to start the file).
    public static func sniff<Bytes: Collection>(_ bytes: Bytes) -> ImageFormat? where Bytes.Element == UInt8 {
        let head = Array(bytes.prefix(9))
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if head.starts(with: Array("SIMPLE  =".utf8)) { return .fits }
        return nil
    }
}
