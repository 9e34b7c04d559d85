import Files
import Foundation

/// The one way images come in and go out. The format is sniffed from the bytes, never taken from the name.
extension Image {
    /// Reads and decodes the file at `url` (JPEG, PNG or FITS). FITS data keep their physical values: stretch
    /// them for display with `AsinhStretch`.
    public init(contentsOf url: URL) throws {
        self = try Image.decode(Image.contents(of: url), name: url.path, size: .scale(.full)).image
    }

    /// The file at `url` at `scale` of its full size: a JPEG decoded at that scale from its DCT coefficients, any
    /// other format decoded whole and area-resized to the same size.
    public init(contentsOf url: URL, scale: DecodeScale) throws {
        self = try Image.decode(Image.contents(of: url), name: url.path, size: .scale(scale)).image
    }

    /// The file at `url` at the smallest scale (of `DecodeScale`'s JPEG reductions) that keeps both sides at least
    /// `side` pixels, and that scale: what an image bound for a `side`-pixel input needs decoded. Formats without
    /// reduced decoding come whole, at scale 1.
    public static func decode(contentsOf url: URL, keepingAtLeast side: Int) throws -> (image: Image, scale: DecodeScale) {
        try decode(contents(of: url), name: url.path, size: .keepingAtLeast(side))
    }

    /// Decodes `bytes`; `name` (usually the file path) is what errors report.
    public init(decoding bytes: Data, name: String) throws {
        self = try Image.decode(bytes, name: name, size: .scale(.full)).image
    }

    private static func contents(of url: URL) throws -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            throw ImageError(.unreadable, url.path, "cannot read the file: \(error.localizedDescription)")
        }
    }

    private static func decode(_ bytes: Data, name: String, size: DecodeSize) throws -> (image: Image, scale: DecodeScale) {
        guard !bytes.isEmpty else { throw ImageError(.empty, name, "the file is empty (0 bytes)") }
        guard let format = ImageFormat.sniff(bytes) else {
            let head = bytes.prefix(8).map { String(format: "%02X", $0) }.joined(separator: " ")
            throw ImageError(.unknownFormat, name, "not a JPEG, PNG or FITS file (\(bytes.count) bytes starting \(head))")
        }
        if format == .jpeg {
            return try bytes.withUnsafeBytes { try JPEGCodec.decode($0, name: name, size: size) }
        }
        let image = try bytes.withUnsafeBytes { raw in
            format == .png ? try PNGCodec.decode(raw, name: name) : try FITSCodec.decode(raw, name: name)
        }
        guard case .scale(let scale) = size, !scale.isFull else { return (image, .full) }
        return (try image.resized(width: scale.scaled(image.width), height: scale.scaled(image.height)), scale)
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
