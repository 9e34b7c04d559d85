import CFITSIO
import Foundation
import Testing
@testable import Imaging

/// FITS files made here with cfitsio: a single image, a 3-plane cube and a multi-extension file.
@Suite struct FITSTests {
    /// Plane `band` of a w x h test field, as stored in FITS order (row 0 = bottom): value = 100 band + 10 y + x.
    static func storedPlane(band: Int, width: Int, height: Int) -> [Float] {
        (0..<(width * height)).map { Float(100 * band + 10 * ($0 / width) + $0 % width) }
    }

    /// Writes HDUs with cfitsio: each element of `hdus` is a list of planes (empty = a data-less primary).
    static func writeFITS(_ url: URL, width: Int, height: Int, hdus: [[[Float]]]) throws {
        var file: UnsafeMutablePointer<fitsfile>? = nil
        var status: Int32 = 0
        ffinit(&file, "!" + url.path, &status)
        for planes in hdus {
            var axes: [Int] = planes.isEmpty ? [] : planes.count == 1 ? [width, height] : [width, height, planes.count]
            ffcrim(file, FLOAT_IMG, Int32(axes.count), &axes, &status)
            if !planes.isEmpty {
                var data = Array(planes.joined())
                ffppr(file, TFLOAT, 1, Int64(data.count), &data, &status)
            }
        }
        ffclos(file, &status)
        try #require(status == 0, "cfitsio status \(status) writing \(url.path)")
    }

    /// The image we expect: planes in order, rows flipped to top-first.
    static func expected(bands: Int, width: Int, height: Int) -> Image {
        var image = Image(width: width, height: height, channels: bands)
        for b in 0..<bands {
            for y in 0..<height { for x in 0..<width { image[b, y, x] = Float(100 * b + 10 * (height - 1 - y) + x) } }
        }
        return image
    }

    @Test func singleImageCubeAndMultiExtension() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (w, h) = (7, 5)
        let plane = { (b: Int) in FITSTests.storedPlane(band: b, width: w, height: h) }
        let cases: [(String, [[[Float]]], Int)] = [
            ("single.fits", [[plane(0)]], 1),
            ("cube.fits", [[plane(0), plane(1), plane(2)]], 3),
            ("mef.fits", [[], [plane(0)], [plane(1)], [plane(2)]], 3),
        ]
        for (name, hdus, bands) in cases {
            let url = folder.appendingPathComponent(name)
            try FITSTests.writeFITS(url, width: w, height: h, hdus: hdus)
            let image = try Image(contentsOf: url)
            #expect(image.width == w && image.height == h && image.channels == bands, "\(name)")
            #expect(image.pixels == FITSTests.expected(bands: bands, width: w, height: h).pixels, "\(name)")
            #expect(ImageFormat.sniff(try Data(contentsOf: url)) == .fits)
        }
    }

    @Test func mismatchedExtensionsAndTruncationAreReported() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Two extensions of different sizes cannot be bands of one image.
        var file: UnsafeMutablePointer<fitsfile>? = nil
        var status: Int32 = 0
        let url = folder.appendingPathComponent("mixed.fits")
        ffinit(&file, "!" + url.path, &status)
        for (w, h) in [(4, 4), (5, 4)] {
            var axes = [w, h]
            ffcrim(file, FLOAT_IMG, 2, &axes, &status)
            var data = [Float](repeating: 1, count: w * h)
            ffppr(file, TFLOAT, 1, Int64(data.count), &data, &status)
        }
        ffclos(file, &status)
        #expect(throws: ImageError.self) { try Image(contentsOf: url) }

        // A cube cut off half-way through its data.
        let cube = folder.appendingPathComponent("cube.fits")
        let big = (0..<3).map { FITSTests.storedPlane(band: $0, width: 40, height: 40) }
        try FITSTests.writeFITS(cube, width: 40, height: 40, hdus: [big])
        let bytes = try Data(contentsOf: cube)
        let cut = folder.appendingPathComponent("cut.fits")
        try bytes.prefix(bytes.count - 5000).write(to: cut)
        do {
            _ = try Image(contentsOf: cut)
            Issue.record("a truncated FITS cube decoded")
        } catch let error as ImageError {
            #expect(error.kind == .truncated, "\(error)")
            #expect(error.source == cut.path)
        }
    }

    @Test func asinhStretchMapsPhysicalValuesToDisplayRangeKeepingColour() throws {
        // Three bands with a fixed ratio 1 : 2 : 3 and rising brightness.
        let n = 50
        var image = Image(width: n, height: 1, channels: 3)
        for x in 0..<n { for c in 0..<3 { image[c, 0, x] = Float(c + 1) * pow(1.25, Float(x)) - 0.5 } }
        let stretch = AsinhStretch(stretch: 5, q: 8, minimum: [-0.5])
        let shown = try stretch.apply(image)
        #expect(shown.pixels.allSatisfy { (0...1).contains($0) })
        for x in 0..<n {
            let (r, g, b) = (shown[0, 0, x], shown[1, 0, x], shown[2, 0, x])
            #expect(abs(g / r - 2) < 1e-3 && abs(b / r - 3) < 1e-3, "colour changed at \(x)")
            if x > 0 { #expect(r >= shown[0, 0, x - 1] - 1e-6, "not monotonic at \(x)") }
        }
        #expect(shown[2, 0, n - 1] == 1)  // the brightest pixel saturates at 1 in its strongest band
        // Astropy's AsinhMapping on the first pixel: I = 2 (bands 1, 2, 3), F = asinh(8 * 2 / 5) * 0.1 / asinh(0.8) / 2.
        let factor = asinh(Float(8 * 2) / 5) * 0.1 / asinh(0.8) / 2
        #expect(abs(shown[0, 0, 0] - 1 * factor) < 1e-5)
        #expect(throws: ImageError.self) { try AsinhStretch(minimum: [0, 0]).apply(image) }
    }
}
