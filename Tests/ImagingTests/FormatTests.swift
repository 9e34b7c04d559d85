import Foundation
import Testing
@testable import Imaging

@Suite struct FormatTests {
    @Test func sniffsFormatsFromBytesNotNames() throws {
        let image = testPattern(width: 8, height: 6, channels: 3)
        #expect(ImageFormat.sniff(try image.jpegData()) == .jpeg)
        #expect(ImageFormat.sniff(try image.pngData()) == .png)
        #expect(ImageFormat.sniff(Array("SIMPLE  =                    T".utf8)) == .fits)
        #expect(ImageFormat.sniff(Array("GIF89a".utf8)) == nil)
        #expect(ImageFormat.sniff([UInt8]()) == nil)

        // A JPEG saved under a .png name (as some PCC cutouts were) decodes as JPEG.
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let misnamed = folder.appendingPathComponent("cutout.png")
        try image.write(to: misnamed, format: .jpeg)
        let decoded = try Image(contentsOf: misnamed)
        #expect(decoded.width == 8 && decoded.height == 6 && decoded.channels == 3)
        let survey = try ImageFolderSurvey(folder: folder)
        #expect(survey.formatCounts == [.jpeg: 1])
        #expect(survey.misnamed.map(\.format) == [.jpeg])
    }

    @Test func jpegRoundTrip() throws {
        for channels in [1, 3] {
            let image = testPattern(width: 40, height: 30, channels: channels)
            let decoded = try Image(decoding: try image.jpegData(quality: 100), name: "round trip")
            #expect(decoded.width == 40 && decoded.height == 30 && decoded.channels == channels)
            // Lossy, but at quality 100 without subsampling a smooth picture comes back within a few levels of 255.
            #expect(maxAbsDifference(image, decoded) < 6 / 255, "channels \(channels)")
        }
    }

    @Test func pngRoundTripIsExactAt8And16Bits() throws {
        for channels in 1...4 {
            var image = testPattern(width: 17, height: 9, channels: channels)
            image.pixels = image.pixels.map { ($0 * 255).rounded() / 255 }  // exactly representable in 8 bits
            let decoded8 = try Image(decoding: try image.pngData(), name: "png8")
            #expect(decoded8.pixels == image.pixels, "8-bit, \(channels) channels")

            var deep = testPattern(width: 17, height: 9, channels: channels)
            deep.pixels = deep.pixels.map { ($0 * 65535).rounded() / 65535 }
            if channels == 2 || channels == 4 {  // opaque alpha: premultiplication is then lossless
                let plane = 17 * 9
                for i in 0..<plane { deep.pixels[(channels - 1) * plane + i] = 1 }
            }
            let decoded16 = try Image(decoding: try deep.pngData(bitDepth: 16), name: "png16")
            #expect(maxAbsDifference(decoded16, deep) < 1e-6, "16-bit, \(channels) channels")
            #expect(decoded16.channels == channels)
        }
    }

    @Test func writesAtomicallyWithoutLeavingTemporaryFiles() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("a.png")
        try testPattern(width: 5, height: 5, channels: 3).write(to: url, format: .png)
        try testPattern(width: 7, height: 5, channels: 1).write(to: url, format: .png)  // replaces
        #expect(try Image(contentsOf: url).width == 7)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["a.png"])
    }

    @Test func badFilesGiveClearErrorsNamingTheFile() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let image = testPattern(width: 64, height: 64, channels: 3)
        let jpeg = try image.jpegData(), png = try image.pngData()
        let cases: [(String, Data, ImageError.Kind)] = [
            ("empty.jpg", Data(), .empty),
            ("garbage.png", Data((0..<500).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }), .unknownFormat),
            ("text.jpg", Data("name,ra,dec\n".utf8), .unknownFormat),
            ("truncated.jpg", jpeg.prefix(jpeg.count / 2), .truncated),
            ("header-only.jpg", jpeg.prefix(20), .truncated),
            ("truncated.png", png.prefix(png.count / 2), .truncated),
            ("signature-only.png", png.prefix(8), .truncated),
            ("bad-fits.fits", Data(("SIMPLE  = nonsense" + String(repeating: " ", count: 2862)).utf8), .corrupt),
            ("truncated.fits", Data(("SIMPLE  =                    T" + String(repeating: " ", count: 100)).utf8), .truncated),
        ]
        for (name, bytes, kind) in cases {
            let url = folder.appendingPathComponent(name)
            try bytes.write(to: url)
            do {
                _ = try Image(contentsOf: url)
                Issue.record("\(name) decoded")
            } catch let error as ImageError {
                #expect(error.kind == kind, "\(name): \(error)")
                #expect(error.description.contains(url.path), "\(error)")
                #expect(error.detail.count > 10, "\(error)")
            }
        }
        #expect(throws: ImageError.self) { try Image(contentsOf: folder.appendingPathComponent("missing.jpg")) }

        // A survey over the folder finishes and lists every bad file with its reason, plus the good one.
        try image.write(to: folder.appendingPathComponent("good.jpg"), format: .jpeg)
        let survey = try ImageFolderSurvey(folder: folder)
        #expect(survey.decodedCount == 1)
        #expect(Set(survey.failures.map(\.file.lastPathComponent)) == Set(cases.map(\.0)))
    }

    @Test func encodersRejectWhatTheyCannotHold() {
        #expect(throws: ImageError.self) { try Image(width: 4, height: 4, channels: 2).jpegData() }
        #expect(throws: ImageError.self) { try Image(width: 4, height: 4, channels: 5).pngData() }
        #expect(throws: ImageError.self) { try Image(width: 4, height: 4, channels: 3).pngData(bitDepth: 12) }
    }
}
