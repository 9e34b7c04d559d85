import Foundation
import Testing
import Tensor
@testable import Imaging

@Suite struct GeometryTests {
    /// The slow, obvious bilinear rotation: Double arithmetic, subscripts, the formula written out.
    static func referenceRotation(_ image: Image, degrees: Double, width: Int, height: Int) -> Image {
        var out = Image(width: width, height: height, channels: image.channels)
        let t = degrees * .pi / 180
        let (icx, icy) = (Double(image.width - 1) / 2, Double(image.height - 1) / 2)
        let (ocx, ocy) = (Double(width - 1) / 2, Double(height - 1) / 2)
        for c in 0..<image.channels {
            for y in 0..<height {
                for x in 0..<width {
                    // Counter-clockwise on screen (y down) means the source point is the output point turned back.
                    let dx = Double(x) - ocx, dy = Double(y) - ocy
                    let rx = icx + dx * cos(t) - dy * sin(t), ry = icy + dx * sin(t) + dy * cos(t)
                    // Within 1/1000 pixel of the edge counts as inside (the module's convention).
                    let e = 1e-3
                    guard rx >= -e, ry >= -e, rx <= Double(image.width - 1) + e, ry <= Double(image.height - 1) + e else { continue }
                    let sx = min(max(rx, 0), Double(image.width - 1)), sy = min(max(ry, 0), Double(image.height - 1))
                    let x0 = Int(sx.rounded(.down)), y0 = Int(sy.rounded(.down))
                    let x1 = min(x0 + 1, image.width - 1), y1 = min(y0 + 1, image.height - 1)
                    let fx = sx - Double(x0), fy = sy - Double(y0)
                    let p00 = Double(image[c, y0, x0]), p01 = Double(image[c, y0, x1])
                    let p10 = Double(image[c, y1, x0]), p11 = Double(image[c, y1, x1])
                    let top: Double = (1 - fx) * p00 + fx * p01
                    let bottom: Double = (1 - fx) * p10 + fx * p11
                    let v: Double = (1 - fy) * top + fy * bottom
                    out[c, y, x] = Float(v)
                }
            }
        }
        return out
    }

    @Test func rotationMatchesTheSlowReference() {
        let image = testPattern(width: 41, height: 33, channels: 3)
        for degrees in [0.0, 17.5, 30, 45, 90, 135, 180, 225, 300, -60] {
            let fast = image.rotated(byDegrees: degrees)
            let slow = GeometryTests.referenceRotation(image, degrees: degrees, width: 41, height: 33)
            #expect(maxAbsDifference(fast, slow) < 1e-4, "\(degrees) degrees")
            let wide = image.rotated(byDegrees: degrees, width: 20, height: 25)
            #expect(maxAbsDifference(wide, GeometryTests.referenceRotation(image, degrees: degrees, width: 20, height: 25)) < 1e-4)
        }
    }

    @Test func rightAngleRotationsMoveThePixelsExactly() {
        let image = testPattern(width: 9, height: 9, channels: 2)
        let quarter = image.rotated(byDegrees: 90)
        // 90 degrees counter-clockwise: the right edge becomes the top edge.
        for y in 0..<9 { for x in 0..<9 { #expect(abs(quarter[1, y, x] - image[1, x, 8 - y]) < 1e-5) } }
        let half = image.rotated(byDegrees: 180)
        #expect(maxAbsDifference(half, image.flippedHorizontally().flippedVertically()) < 1e-5)
        #expect(image.rotated(byDegrees: 0).pixels == image.pixels)
    }

    @Test func rotatedCropFromA400CutoutHasNoEmptyCorners() throws {
        // A cutout with no zero pixels anywhere: any fill (0) in the output would be an empty corner.
        var wide = testPattern(width: 400, height: 400, channels: 3)
        wide.pixels = wide.pixels.map { $0 + 0.05 }
        for degrees in [30.0, 45, 60, 90, 120, 135, 150, 180, 210, 225, 240, 270, 300, 315, 330, 7] {
            let crop = try wide.rotatedCrop(byDegrees: degrees, width: 200, height: 200)
            #expect(crop.width == 200 && crop.height == 200 && crop.channels == 3)
            #expect(crop.pixels.allSatisfy { $0 > 0 }, "empty pixels at \(degrees) degrees")
        }
        // The same rotation of a 200x200 image leaves its corners empty, which is why the wide cutouts exist.
        let narrow = try wide.centreCropped(width: 200, height: 200)
        #expect(narrow.rotated(byDegrees: 45)[0, 0, 0] == 0)
        #expect(throws: ImageError.self) { try narrow.rotatedCrop(byDegrees: 45, width: 200, height: 200) }
        // An unrotated crop is the centre crop, pixel for pixel.
        #expect(try wide.rotatedCrop(byDegrees: 0, width: 200, height: 200).pixels == narrow.pixels)
    }

    @Test func flipsAndCrops() throws {
        let image = testPattern(width: 6, height: 4, channels: 3)
        let h = image.flippedHorizontally(), v = image.flippedVertically()
        for c in 0..<3 { for y in 0..<4 { for x in 0..<6 {
            #expect(h[c, y, x] == image[c, y, 5 - x])
            #expect(v[c, y, x] == image[c, 3 - y, x])
        } } }
        #expect(h.flippedHorizontally().pixels == image.pixels)
        let crop = try image.centreCropped(width: 3, height: 2)
        #expect(crop.width == 3 && crop.height == 2)
        for c in 0..<3 { for y in 0..<2 { for x in 0..<3 { #expect(crop[c, y, x] == image[c, y + 1, x + 1]) } } }
        #expect(throws: ImageError.self) { try image.centreCropped(width: 7, height: 2) }
    }

    @Test func areaResizePreservesTheMeanAndAveragesBlocks() throws {
        let image = testPattern(width: 200, height: 200, channels: 3)
        for (w, h) in [(51, 51), (100, 100), (37, 64), (1, 1)] {
            let small = try image.resized(width: w, height: h)
            for c in 0..<3 {
                let before = (0..<(200 * 200)).map { Double(image.pixels[c * 40000 + $0]) }.reduce(0, +) / 40000
                let after = (0..<(w * h)).map { Double(small.pixels[c * w * h + $0]) }.reduce(0, +) / Double(w * h)
                #expect(abs(before - after) < 1e-5, "\(w)x\(h) channel \(c): \(before) -> \(after)")
            }
        }
        // An exact factor of 2 is the mean of each 2x2 block.
        let half = try image.resized(width: 100, height: 100)
        let block = (image[1, 10, 20] + image[1, 10, 21] + image[1, 11, 20] + image[1, 11, 21]) / 4
        #expect(abs(half[1, 5, 10] - block) < 1e-6)
        // 0.1 arcsec/px to SDSS's 0.396: 200 px -> 51 px.
        #expect(try image.resampled(fromScale: 0.1, toScale: 0.396).width == 51)
    }

    @Test func bilinearEnlargingKeepsConstantsAndInterpolates() throws {
        let flat = Image(width: 5, height: 5, channels: 1, repeating: 0.25)
        #expect(try flat.resized(width: 17, height: 12).pixels.allSatisfy { abs($0 - 0.25) < 1e-6 })
        // A ramp 0, 1 enlarged to 4 samples with aligned centres: 0, 0.25, 0.75, 1.
        let ramp = Image(width: 2, height: 1, channels: 1, pixels: [0, 1])
        let up = try ramp.resized(width: 4, height: 1)
        #expect(zip(up.pixels, [0, 0.25, 0.75, 1] as [Float]).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(try flat.resized(width: 5, height: 5).pixels == flat.pixels)
    }

    @Test func greyscaleUsesRec601Weights() throws {
        var image = Image(width: 2, height: 1, channels: 3)
        image[0, 0, 0] = 1; image[1, 0, 1] = 1; image[2, 0, 1] = 1
        let grey = try image.greyscale()
        #expect(grey.channels == 1)
        #expect(abs(grey[0, 0, 0] - 0.299) < 1e-6 && abs(grey[0, 0, 1] - (0.587 + 0.114)) < 1e-6)
        let three = try image.greyscale(channels: 3)
        #expect(three.channels == 3 && three[2, 0, 1] == grey[0, 0, 1])
        #expect(try image.selectingChannels([2, 1, 0])[0, 0, 1] == 1)
    }

    @Test func batchTensorAndChannelNormalisation() throws {
        let images = (0..<3).map { i in
            var image = testPattern(width: 8, height: 5, channels: 3)
            image.pixels = image.pixels.map { $0 + Float(i) }
            return image
        }
        let batch = try Tensor(batch: images)
        #expect(batch.shape == [3, 3, 5, 8])
        #expect(batch[2, 1, 4, 7] == images[2][1, 4, 7])
        #expect(try Image(batch: batch, index: 1).pixels == images[1].pixels)
        #expect(throws: ImageError.self) { try Tensor(batch: images + [Image(width: 8, height: 4, channels: 3)]) }

        let stats = try ChannelStatistics(of: images)
        let normal = try stats.normalise(batch)
        for c in 0..<3 {
            var values: [Double] = []
            for n in 0..<3 { for y in 0..<5 { for x in 0..<8 { values.append(Double(normal[n, c, y, x])) } } }
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
            #expect(abs(mean) < 1e-5 && abs(variance - 1) < 1e-4, "channel \(c): mean \(mean), variance \(variance)")
        }
    }
}
