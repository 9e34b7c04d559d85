import Foundation
import Testing
@testable import Imaging

/// Reduced-scale decoding: a JPEG decoded at N/8 from its DCT must give what decoding it whole and area-averaging
/// to the same size gives, up to JPEG's own noise, so a network sees the same picture either way.
struct DecodeScaleTests {
    func meanAbsoluteDifference(_ a: Image, _ b: Image) -> Float {
        precondition(a.pixels.count == b.pixels.count)
        return zip(a.pixels, b.pixels).map { abs($0 - $1) }.reduce(0, +) / Float(a.pixels.count)
    }

    @Test func picksTheSmallestReductionThatKeepsTheSide() {
        #expect(DecodeScale.largestReduction(width: 200, height: 200, keepingAtLeast: 64) == DecodeScale(3, 8))
        #expect(DecodeScale.largestReduction(width: 400, height: 400, keepingAtLeast: 64) == DecodeScale(1, 4))
        #expect(DecodeScale.largestReduction(width: 400, height: 300, keepingAtLeast: 150) == DecodeScale(1, 2))
        #expect(DecodeScale.largestReduction(width: 50, height: 50, keepingAtLeast: 64) == .full)
        #expect(DecodeScale(8, 8) == .full && DecodeScale(4, 8) == DecodeScale(1, 2))
        #expect(DecodeScale(3, 8).scaled(200) == 75 && DecodeScale(3, 8).scaled(401) == 151)
    }

    @Test func jpegAtThreeEighthsMatchesWholeDecodeAreaAveraged() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("pattern.jpg")
        try testPattern(width: 200, height: 200, channels: 3).write(to: url, format: .jpeg, jpegQuality: 95)
        let (reduced, scale) = try Image.decode(contentsOf: url, keepingAtLeast: 64)
        #expect(scale == DecodeScale(3, 8))
        #expect((reduced.width, reduced.height, reduced.channels) == (75, 75, 3))
        let whole = try Image(contentsOf: url).resized(width: 75, height: 75)
        #expect(meanAbsoluteDifference(reduced, whole) < 0.01)
        // Asked for a scale, the same picture.
        #expect(try Image(contentsOf: url, scale: scale).pixels == reduced.pixels)
    }

    @Test func otherFormatsAreAreaAveragedToTheScale() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("pattern.png")
        let pattern = testPattern(width: 101, height: 60, channels: 3)
        try pattern.write(to: url, format: .png, pngBitDepth: 16)
        let (whole, scale) = try Image.decode(contentsOf: url, keepingAtLeast: 32)
        #expect(scale == .full && whole.width == 101)
        let half = try Image(contentsOf: url, scale: DecodeScale(1, 2))
        #expect((half.width, half.height) == (51, 30))
        #expect(meanAbsoluteDifference(half, try pattern.resized(width: 51, height: 30)) < 1e-4)
    }

    @Test func aScaleTurboJPEGLacksIsRefused() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("pattern.jpg")
        try testPattern(width: 64, height: 64, channels: 3).write(to: url, format: .jpeg)
        #expect(throws: ImageError.self) { try Image(contentsOf: url, scale: DecodeScale(1, 3)) }
    }

    /// On real PCC cutouts: at the 64-pixel input, reduced decoding and whole decoding agree far below the sky's
    /// noise, and the wider cutout at the same scale still holds the cutout's field at its centre.
    @Test(.enabled(if: PerseusData.available, "needs ../shared/data/perseus"))
    func realCutoutsAgreeAtTheInputSize() throws {
        let files = try PerseusData.files(in: "pcc/cutouts", ext: "jpg")
        var worst: Float = 0, total: Float = 0
        for file in files.prefix(200) {
            let (reduced, scale) = try Image.decode(contentsOf: file, keepingAtLeast: 64)
            let difference = meanAbsoluteDifference(try reduced.resized(width: 64, height: 64),
                                                    try Image(contentsOf: file).resized(width: 64, height: 64))
            worst = max(worst, difference)
            total += difference
            let wide = try Image(contentsOf: PerseusData.url("pcc/cutouts-400/\(file.lastPathComponent)"), scale: scale)
            #expect(wide.width == 150)
            let centre = try wide.centreCropped(width: reduced.width, height: reduced.height)
            #expect(meanAbsoluteDifference(centre, reduced) < 0.05, "\(file.lastPathComponent)")
        }
        #expect(total / 200 < 0.004 && worst < 0.01, "mean \(total / 200), worst \(worst)")
    }
}
