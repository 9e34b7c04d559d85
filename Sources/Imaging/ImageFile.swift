import Files
import Foundation

/// The one way images come in and go out. The format is sniffed from the bytes, never taken from the name.
extension Image {
    /// Reads and decodes the file at `url` (JPEG, PNG or FITS). FITS data keep their physical values: stretch
    /// them for display with `AsinhStretch`.
    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ImageError(.unreadable, url.path, "cannot read the file: \(error.localizedDescription)")
        }
        try self.init(decoding: data, name: url.path)
    }

    /// Decodes `bytes`; `name` (usually the file path) is what errors report.
    public init(decoding bytes: Data, name: String) throws {
        guard !bytes.isEmpty else { throw ImageError(.empty, name, "the file is empty (0 bytes)") }
        guard let format = ImageFormat.sniff(bytes) else {
            let head = bytes.prefix(8).map { String(format: "%02X", $0) }.joined(separator: " ")
            throw ImageError(.unknownFormat, name, "not a JPEG, PNG or FITS file (\(bytes.count) bytes starting \(head))")
        }
        self = try bytes.withUnsafeBytes { raw in
            switch format {
            case .jpeg: return try JPEGCodec.decode(raw, name: name)
            case .png: return try PNGCodec.decode(raw, name: name)
            case .fits: return try FITSCodec.decode(raw, name: name)
            }
        }
    }

    /// JPEG bytes: 1 or 3 channels, values clamped to 0...1, `quality` 1...100, no chroma subsampling.
    public func jpegData(quality: Int = 95) throws -> Data {
        Data(try JPEGCodec.encode(self, quality: quality, name: "JPEG encoder"))
    }

    /// PNG bytes: 1 to 4 channels (grey, grey+alpha, RGB, RGBA), values clamped to 0...1, 8 or 16 bits.
    public func pngData(bitDepth: Int = 8) throws -> Data {
        Data(try PNGCodec.encode(self, bitDepth: bitDepth, name: "PNG encoder"))
    }

    /// Writes the image atomically as `format` (JPEG or PNG). Errors name `url`.
    public func write(to url: URL, format: ImageFormat, jpegQuality: Int = 95, pngBitDepth: Int = 8) throws {
        let bytes: [UInt8]
        switch format {
        case .jpeg: bytes = try JPEGCodec.encode(self, quality: jpegQuality, name: url.path)
        case .png: bytes = try PNGCodec.encode(self, bitDepth: pngBitDepth, name: url.path)
        case .fits: throw ImageError(.unsupported, url.path, "Perseus writes JPEG and PNG, not FITS")
        }
        try AtomicFile.write(Data(bytes), to: url)
    }
}
