import CPNG

/// PNG through libpng's simplified API (`png_image_*`), which reports errors in the `png_image` itself, so no
/// `setjmp` is needed from Swift.
///
/// 8-bit files map to 0...1 as stored (sRGB-coded, like the JPEGs). 16-bit files are read through libpng's
/// linear 16-bit path: a file without a gAMA/sRGB chunk (the usual scientific PNG) comes back exactly as stored,
/// divided by 65535; libpng linearises one that declares a non-linear gamma. Palette images expand to RGB(A).
/// Alpha, when present, is kept as the last plane (straight, not premultiplied).
enum PNGCodec {
    private static let alphaFlag = UInt32(PNG_FORMAT_FLAG_ALPHA)
    private static let colorFlag = UInt32(PNG_FORMAT_FLAG_COLOR)
    private static let linearFlag = UInt32(PNG_FORMAT_FLAG_LINEAR)

    static func decode(_ bytes: UnsafeRawBufferPointer, name: String) throws -> Image {
        var png = png_image()
        png.version = UInt32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_memory(&png, bytes.baseAddress, bytes.count) != 0 else {
            throw failure(png, bytes, name)
        }
        defer { png_image_free(&png) }
        let fileFormat = png.format
        let sixteenBit = fileFormat & linearFlag != 0
        let alpha = fileFormat & alphaFlag != 0
        let colour = fileFormat & colorFlag != 0
        // Ask for the file's own layout minus the colour map (palette images expand to their entries' format).
        png.format = (colour ? colorFlag : 0) | (alpha ? alphaFlag : 0) | (sixteenBit ? linearFlag : 0)
        let channels = (colour ? 3 : 1) + (alpha ? 1 : 0)
        let (w, h) = (Int(png.width), Int(png.height))
        try DecodeLimits.check(width: w, height: h, channels: channels, name: name, format: "PNG")
        if sixteenBit {
            var samples = [UInt16](repeating: 0, count: w * h * channels)
            let ok = samples.withUnsafeMutableBytes { png_image_finish_read(&png, nil, $0.baseAddress, 0, nil) }
            guard ok != 0 else { throw failure(png, bytes, name) }
            var image = samples.withUnsafeBufferPointer {
                Image(interleaved: $0, width: w, height: h, channels: channels, maxValue: 65535)
            }
            if alpha { image.unpremultiplyAlpha() }
            return image
        } else {
            var samples = [UInt8](repeating: 0, count: w * h * channels)
            let ok = samples.withUnsafeMutableBytes { png_image_finish_read(&png, nil, $0.baseAddress, 0, nil) }
            guard ok != 0 else { throw failure(png, bytes, name) }
            return samples.withUnsafeBufferPointer {
                Image(interleaved: $0, width: w, height: h, channels: channels, maxValue: 255)
            }
        }
    }

    /// Encodes 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA) planes at 8 or 16 bits per sample.
    static func encode(_ image: Image, bitDepth: Int, name: String) throws -> [UInt8] {
        guard (1...4).contains(image.channels) else {
            throw ImageError(.unsupported, name, "PNG holds 1 to 4 channels, not \(image.channels)")
        }
        guard bitDepth == 8 || bitDepth == 16 else {
            throw ImageError(.badArgument, name, "PNG bit depth must be 8 or 16, not \(bitDepth)")
        }
        guard image.width > 0, image.height > 0 else {
            throw ImageError(.badArgument, name, "cannot encode an empty \(image.width)x\(image.height) image")
        }
        var png = png_image()
        png.version = UInt32(PNG_IMAGE_VERSION)
        png.width = UInt32(image.width)
        png.height = UInt32(image.height)
        let alpha = image.channels == 2 || image.channels == 4
        png.format = (image.channels >= 3 ? colorFlag : 0) | (alpha ? alphaFlag : 0) | (bitDepth == 16 ? linearFlag : 0)
        var source = image
        if bitDepth == 16 && alpha { source.premultiplyAlpha() }  // the linear API expects associated alpha
        let write: (UnsafeRawPointer) throws -> [UInt8] = { samples in
            var size: png_alloc_size_t = 0
            guard png_image_write_to_memory(&png, nil, &size, 0, samples, 0, nil) != 0 else {
                throw ImageError(.writeFailed, name, "libpng: \(message(png))")
            }
            var output = [UInt8](repeating: 0, count: Int(size))
            let ok = output.withUnsafeMutableBytes {
                png_image_write_to_memory(&png, $0.baseAddress, &size, 0, samples, 0, nil)
            }
            guard ok != 0 else { throw ImageError(.writeFailed, name, "libpng: \(message(png))") }
            return Array(output.prefix(Int(size)))
        }
        if bitDepth == 16 {
            let samples = source.interleaved(as: UInt16.self, maxValue: 65535)
            return try samples.withUnsafeBytes { try write($0.baseAddress!) }
        }
        let samples = source.interleaved(as: UInt8.self, maxValue: 255)
        return try samples.withUnsafeBytes { try write($0.baseAddress!) }
    }

    private static func message(_ png: png_image) -> String {
        var copy = png.message
        return withUnsafeBytes(of: &copy) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    private static func failure(_ png: png_image, _ bytes: UnsafeRawBufferPointer, _ name: String) -> ImageError {
        let text = message(png)
        // Every complete PNG ends with the IEND chunk: 'IEND' then its 4-byte CRC.
        let iend: [UInt8] = Array("IEND".utf8)
        let ended = bytes.count >= 8 && Array(bytes[(bytes.count - 8)..<(bytes.count - 4)]) == iend
        if !ended {
            return ImageError(.truncated, name, "truncated PNG (\(bytes.count) bytes, no IEND chunk): libpng: \(text)")
        }
        return ImageError(.corrupt, name, "bad PNG data: libpng: \(text)")
    }
}

extension Image {
    /// Straight alpha from associated alpha: colour / alpha where alpha > 0 (the last plane is alpha).
    mutating func unpremultiplyAlpha() { scaleColourByAlpha(inverse: true) }
    mutating func premultiplyAlpha() { scaleColourByAlpha(inverse: false) }

    private mutating func scaleColourByAlpha(inverse: Bool) {
        let plane = width * height, colourPlanes = channels - 1
        pixels.withUnsafeMutableBufferPointer { p in
            for i in 0..<plane {
                let a = p[colourPlanes * plane + i]
                for c in 0..<colourPlanes {
                    let v = p[c * plane + i]
                    p[c * plane + i] = inverse ? (a > 0 ? min(v / a, 1) : 0) : v * a
                }
            }
        }
    }
}
