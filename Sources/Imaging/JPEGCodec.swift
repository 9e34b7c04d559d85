import CTurboJPEG

/// JPEG through TurboJPEG (the classic libjpeg API needs `setjmp`, which Swift cannot use). Decoding uses
/// libjpeg's defaults (accurate integer DCT, smooth chroma upsampling), the same as OpenCV and PIL, so pixel
/// values match what the study's Python code saw.
enum JPEGCodec {
    /// Decodes to 3 planes (R, G, B) or 1 (greyscale JPEG), 0...1, at `size` (reduced by the DCT); returns the scale
    /// used. Any libjpeg warning (e.g. "premature end of JPEG file") is an error: a decoder that fills missing rows
    /// with grey would hand the network a fake image.
    static func decode(_ bytes: UnsafeRawBufferPointer, name: String,
                       size: DecodeSize = .scale(.full)) throws -> (image: Image, scale: DecodeScale) {
        guard let handle = tjInitDecompress() else {
            throw ImageError(.corrupt, name, "TurboJPEG could not start a decompressor")
        }
        defer { tjDestroy(handle) }
        let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        guard tjDecompressHeader3(handle, base, UInt(bytes.count), &width, &height, &subsampling, &colorspace) == 0 else {
            throw failure(handle, bytes, name, "JPEG header")
        }
        let grey = colorspace == Int32(TJCS_GRAY.rawValue)
        if colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue) {
            throw ImageError(.unsupported, name, "CMYK JPEG (\(width)x\(height)) is not supported")
        }
        let channels = grey ? 1 : 3
        let scale = switch size {
        case .scale(let scale): scale
        case .keepingAtLeast(let side):
            DecodeScale.largestReduction(width: Int(width), height: Int(height), keepingAtLeast: side)
        }
        guard DecodeScale.reductions.contains(scale) else {
            throw ImageError(.badArgument, name, "TurboJPEG decodes at N/8 of the full size, not \(scale)")
        }
        let (w, h) = (scale.scaled(Int(width)), scale.scaled(Int(height)))
        try DecodeLimits.check(width: w, height: h, channels: channels, name: name, format: "JPEG")
        var samples = [UInt8](repeating: 0, count: w * h * channels)
        let status = samples.withUnsafeMutableBufferPointer { out in
            tjDecompress2(handle, base, UInt(bytes.count), out.baseAddress, Int32(w), 0, Int32(h),
                          grey ? Int32(TJPF_GRAY.rawValue) : Int32(TJPF_RGB.rawValue), TJFLAG_STOPONWARNING)
        }
        guard status == 0 else { throw failure(handle, bytes, name, "JPEG data") }
        let image = samples.withUnsafeBufferPointer {
            Image(interleaved: $0, width: w, height: h, channels: channels, maxValue: 255)
        }
        return (image, scale)
    }

    /// Encodes 1 (grey) or 3 (R, G, B) planes at `quality` 1...100, without chroma subsampling (4:4:4) so red
    /// artefacts and colour gradients survive.
    static func encode(_ image: Image, quality: Int, name: String) throws -> [UInt8] {
        guard image.channels == 1 || image.channels == 3 else {
            throw ImageError(.unsupported, name, "JPEG holds 1 or 3 channels, not \(image.channels)")
        }
        guard (1...100).contains(quality) else {
            throw ImageError(.badArgument, name, "JPEG quality must be 1...100, not \(quality)")
        }
        guard image.width > 0, image.height > 0 else {
            throw ImageError(.badArgument, name, "cannot encode an empty \(image.width)x\(image.height) image")
        }
        guard let handle = tjInitCompress() else {
            throw ImageError(.writeFailed, name, "TurboJPEG could not start a compressor")
        }
        defer { tjDestroy(handle) }
        let grey = image.channels == 1
        let samples = image.interleaved(as: UInt8.self, maxValue: 255)
        var output: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        let status = samples.withUnsafeBufferPointer { src in
            tjCompress2(handle, src.baseAddress, Int32(image.width), 0, Int32(image.height),
                        grey ? Int32(TJPF_GRAY.rawValue) : Int32(TJPF_RGB.rawValue), &output, &size,
                        grey ? Int32(TJSAMP_GRAY.rawValue) : Int32(TJSAMP_444.rawValue), Int32(quality), 0)
        }
        defer { if let output { tjFree(output) } }
        guard status == 0, let output else {
            throw ImageError(.writeFailed, name, "TurboJPEG: \(String(cString: tjGetErrorStr2(handle)))")
        }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }

    private static func failure(_ handle: tjhandle, _ bytes: UnsafeRawBufferPointer, _ name: String,
                                _ stage: String) -> ImageError {
        let message = String(cString: tjGetErrorStr2(handle))
        // A complete JPEG ends with the EOI marker FF D9; without it the file was cut short.
        let ended = bytes.count >= 2 && bytes[bytes.count - 2] == 0xFF && bytes[bytes.count - 1] == 0xD9
        if !ended {
            return ImageError(.truncated, name, "truncated JPEG (\(bytes.count) bytes, no end-of-image marker): \(message)")
        }
        return ImageError(.corrupt, name, "bad \(stage): TurboJPEG: \(message)")
    }
}
