import Foundation
import Testing
@testable import Imaging

/// Checks on the real SDSS cutouts in ../shared/data/perseus (skipped when absent).
@Suite(.enabled(if: PerseusData.available, "needs ../shared/data/perseus"))
struct RealDataTests {
    func expectAllDecode(_ relative: String, ext: String, width: Int, height: Int) throws -> Int {
        let files = try PerseusData.files(in: relative, ext: ext)
        var bad: [String] = []
        for file in files {
            do {
                let image = try Image(contentsOf: file)
                if (image.width, image.height, image.channels) != (width, height, 3) {
                    bad.append("\(file.lastPathComponent): \(image.width)x\(image.height)x\(image.channels)")
                }
            } catch {
                bad.append("\(error)")
            }
        }
        #expect(bad.isEmpty, "\(bad.count) of \(files.count) files in \(relative): \(bad.prefix(5))")
        return files.count
    }

    @Test func everyPCCCutoutDecodesTo200x200x3() throws {
        #expect(try expectAllDecode("pcc/cutouts", ext: "jpg", width: 200, height: 200) == 4342)
    }

    @Test func everyWideCutoutDecodesTo400x400x3() throws {
        #expect(try expectAllDecode("pcc/cutouts-400", ext: "jpg", width: 400, height: 400) == 4342)
    }

    @Test func everySpectroscopicPNGDecodesTo200x200x3() throws {
        #expect(try expectAllDecode("spec/cutouts", ext: "png", width: 200, height: 200) > 100)
    }

    @Test func rotatedWideCutoutCroppedTo200HasNoEmptyCorners() throws {
        let name = try #require(try PerseusData.files(in: "pcc/cutouts-400", ext: "jpg").first).lastPathComponent
        let wide = try Image(contentsOf: PerseusData.url("pcc/cutouts-400/\(name)"))
        let narrow = try Image(contentsOf: PerseusData.url("pcc/cutouts/\(name)"))
        for degrees in [30.0, 45, 135, 225, 330] {
            // Fill with -1, a value no decoded pixel has: any -1 left would be an empty corner.
            let marked = wide.rotated(byDegrees: degrees, width: 200, height: 200, fill: -1)
            #expect(marked.pixels.allSatisfy { $0 >= 0 }, "\(name) at \(degrees) degrees")
            #expect(try wide.rotatedCrop(byDegrees: degrees, width: 200, height: 200).pixels == marked.pixels)
            #expect(narrow.rotated(byDegrees: degrees, fill: -1).pixels.contains(-1))
        }
        // The 400 cutout's centre is the 200 cutout's field (same 0.1"/px scale): the two agree up to JPEG noise.
        let centre = try wide.centreCropped(width: 200, height: 200)
        let meanDifference = zip(centre.pixels, narrow.pixels).map { abs($0 - $1) }.reduce(0, +) / Float(centre.pixels.count)
        #expect(meanDifference < 0.05, "mean |400 centre - 200| = \(meanDifference)")
    }
}
