import CFITSIO

/// FITS images through cfitsio (its `fits_*` names are macros Swift cannot see, so the `ff*` functions are called).
///
/// Every image HDU with data contributes planes, in file order: a 2-D image gives one plane, a 3-D cube one plane
/// per slice (one band each), so a single image, a cube and a multi-extension file (one band per extension) all
/// become one multi-channel `Image`. All planes must share a size. Values stay physical (BSCALE/BZERO applied,
/// as Float32); undefined pixels (BLANK or NaN) become 0. FITS counts rows from the bottom; rows are flipped so
/// row 0 is the top, as a viewer such as ds9 shows the image and as JPEG/PNG store it.
enum FITSCodec {
    static func decode(_ bytes: UnsafeRawBufferPointer, name: String) throws -> Image {
        var copy = [UInt8](bytes)  // cfitsio wants a mutable buffer pointer even when reading
        return try copy.withUnsafeMutableBytes { buffer in
            var memory: UnsafeMutableRawPointer? = buffer.baseAddress
            var size = buffer.count
            var file: UnsafeMutablePointer<fitsfile>? = nil
            var status: Int32 = 0
            ffomem(&file, "memory", READONLY, &memory, &size, 0, nil, &status)
            guard status == 0, let file else { throw failure(status, bytes.count, name, "opening") }
            defer { var ignored: Int32 = 0; ffclos(file, &ignored) }
            var hduCount: Int32 = 0
            ffthdu(file, &hduCount, &status)
            var width = 0, height = 0
            var planes: [[Float]] = []
            for hdu in 1...max(Int32(1), hduCount) {
                var type: Int32 = 0
                ffmahd(file, hdu, &type, &status)
                guard status == 0 else { throw failure(status, bytes.count, name, "moving to HDU \(hdu)") }
                var headerStart: Int64 = 0, dataStart: Int64 = 0, dataEnd: Int64 = 0
                ffghadll(file, &headerStart, &dataStart, &dataEnd, &status)
                guard status == 0 else { throw failure(status, bytes.count, name, "reading HDU \(hdu)'s layout") }
                // cfitsio's memory driver reads past the buffer when a header (e.g. a huge PCOUNT) puts the data
                // beyond it: refuse an HDU that ends after the file (allowing a missing final padding).
                let recordedEnd = (bytes.count + 2879) / 2880 * 2880
                guard dataStart >= 0, dataEnd >= dataStart, dataEnd <= recordedEnd else {
                    throw ImageError(.truncated, name, "truncated or corrupt FITS: HDU \(hdu)'s data end at byte \(dataEnd) "
                                     + "but the file has \(bytes.count)")
                }
                guard type == IMAGE_HDU else { continue }  // tables carry no pixels
                var axisCount: Int32 = 0
                ffgidm(file, &axisCount, &status)
                guard status == 0 else { throw failure(status, bytes.count, name, "reading HDU \(hdu)'s NAXIS") }
                if axisCount == 0 { continue }  // an empty primary HDU before the extensions
                var axes = [Int](repeating: 1, count: Int(max(axisCount, 3)))
                ffgisz(file, axisCount, &axes, &status)
                guard status == 0 else { throw failure(status, bytes.count, name, "reading HDU \(hdu)'s NAXISn") }
                guard axisCount >= 2, axes[3...].allSatisfy({ $0 == 1 }) else {
                    throw ImageError(.unsupported, name, "HDU \(hdu) has \(axisCount) axes \(axes.prefix(Int(axisCount))); "
                                     + "only 2-D images and 3-D cubes are read")
                }
                let (w, h, depth) = (axes[0], axes[1], axes[2])
                // An axis of length 0 means no data, like NAXIS = 0 (and a loop over the other, maybe 2^63, rows).
                if w == 0 || h == 0 || depth == 0 { continue }
                // cfitsio does not always notice a memory file that ends inside the data: check the extent.
                var bitpix: Int32 = 0
                ffgidt(file, &bitpix, &status)
                guard status == 0 else { throw failure(status, bytes.count, name, "reading HDU \(hdu)'s BITPIX") }
                // A hostile NAXISn can make this product overflow: overflow counts as "more than the file holds".
                var size: Int? = 1
                for factor in [w, h, depth, Int(abs(bitpix)) / 8] {
                    guard let s = size, factor >= 0 else { size = nil; break }
                    let (product, overflow) = s.multipliedReportingOverflow(by: factor)
                    size = overflow ? nil : product
                }
                let extent = size.flatMap { s -> Int? in
                    let (end, overflow) = Int(dataStart).addingReportingOverflow(s)
                    return overflow ? nil : end
                }
                guard let needed = extent, needed <= bytes.count else {
                    throw ImageError(.truncated, name, "truncated FITS: HDU \(hdu)'s \(w)x\(h)x\(depth) data (BITPIX \(bitpix)) "
                                     + "end at byte \(extent.map(String.init) ?? "beyond 2^63") but the file has \(bytes.count)")
                }
                if planes.isEmpty {
                    (width, height) = (w, h)
                } else if (w, h) != (width, height) {
                    throw ImageError(.unsupported, name, "HDU \(hdu) is \(w)x\(h) but earlier planes are \(width)x\(height)")
                }
                var data = [Float](repeating: 0, count: w * h * depth)
                var undefined: Float = 0  // 0: no substitution; NaN values are zeroed below
                var anyUndefined: Int32 = 0
                ffgpv(file, TFLOAT, 1, Int64(data.count), &undefined, &data, &anyUndefined, &status)
                guard status == 0 else { throw failure(status, bytes.count, name, "reading HDU \(hdu)'s pixels") }
                for d in 0..<depth {
                    planes.append(flippedRows(data[(d * w * h)..<((d + 1) * w * h)], width: w, height: h))
                }
            }
            guard !planes.isEmpty else {
                throw ImageError(.unsupported, name, "FITS file has no image data in its \(hduCount) HDU(s)")
            }
            return Image(width: width, height: height, channels: planes.count, pixels: Array(planes.joined()))
        }
    }

    /// Rows in top-first order, with NaN (undefined) pixels set to 0.
    private static func flippedRows(_ plane: ArraySlice<Float>, width: Int, height: Int) -> [Float] {
        var out = [Float](repeating: 0, count: width * height)
        let start = plane.startIndex
        for y in 0..<height {
            for x in 0..<width {
                let v = plane[start + (height - 1 - y) * width + x]
                out[y * width + x] = v.isNaN ? 0 : v
            }
        }
        return out
    }

    /// cfitsio's status text plus the messages on its error stack, which say what it was doing.
    static func failure(_ status: Int32, _ byteCount: Int, _ name: String, _ stage: String) -> ImageError {
        var text = [CChar](repeating: 0, count: 32)
        ffgerr(status, &text)
        var messages: [String] = []
        var line = [CChar](repeating: 0, count: 81)
        while ffgmsg(&line) != 0 { messages.append(cText(line)) }
        let detail = ([cText(text)] + messages.prefix(3)).joined(separator: "; ")
        // A FITS file is a whole number of 2880-byte records; anything else was cut short.
        if byteCount % 2880 != 0 {
            return ImageError(.truncated, name, "truncated FITS (\(byteCount) bytes, not a whole number of "
                              + "2880-byte records) while \(stage): cfitsio status \(status): \(detail)")
        }
        return ImageError(.corrupt, name, "bad FITS while \(stage): cfitsio status \(status): \(detail)")
    }
}

/// A NUL-terminated C character buffer as a String.
func cText(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
