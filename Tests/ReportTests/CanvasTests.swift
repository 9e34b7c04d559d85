// The rasteriser against a slow point-in-polygon reference, the bitmap font, and the SVG writer's escaping.
import Foundation
import Imaging
import Testing
@testable import Report
import SeededRandom

@Suite struct CanvasTests {
    /// Even-odd and nonzero agree for simple polygons; this is the obvious per-sample winding-number test.
    static func windingNumber(_ p: Point, _ polygon: [Point]) -> Int {
        var w = 0
        var a = polygon[polygon.count - 1]
        for b in polygon {
            if a.y <= p.y {
                if b.y > p.y && (b.x - a.x) * (p.y - a.y) - (p.x - a.x) * (b.y - a.y) > 0 { w += 1 }
            } else if b.y <= p.y && (b.x - a.x) * (p.y - a.y) - (p.x - a.x) * (b.y - a.y) < 0 {
                w -= 1
            }
            a = b
        }
        return w
    }

    @Test func scanlineFillMatchesPointInPolygonReference() {
        var rng = SeededGenerator(seed: 4)
        for trial in 0..<20 {
            // A random star-shaped (possibly self-intersecting) polygon on a 40x30 canvas.
            let polygon = (0..<(3 + trial % 6)).map { _ in Point(40 * rng.uniform(), 30 * rng.uniform()) }
            var canvas = Canvas(width: 40, height: 30)
            canvas.polygon(polygon, fill: .black)
            let image = canvas.raster(supersampling: 1)
            for y in 0..<30 {
                for x in 0..<40 {
                    let inside = Self.windingNumber(Point(Double(x) + 0.5, Double(y) + 0.5), polygon) != 0
                    #expect(image[0, y, x] == (inside ? 0 : 1), "trial \(trial) pixel (\(x), \(y))")
                }
            }
        }
    }

    @Test func rectangleCoverageIsExactAndAntialiased() {
        var canvas = Canvas(width: 10, height: 10)
        canvas.rectangle(x: 2, y: 2, width: 4, height: 3, fill: .black)
        canvas.rectangle(x: 7.5, y: 0, width: 1, height: 10, fill: RGBColor(red: 1, green: 0, blue: 0))
        let image = canvas.raster(supersampling: 4)
        #expect(image[1, 3, 3] == 0 && image[1, 1, 1] == 1 && image[1, 5, 3] == 1)
        // Half-covered pixels blend: the red stripe covers half of columns 7 and 8.
        #expect(abs(image[1, 5, 7] - 0.5) < 1e-6 && abs(image[0, 5, 7] - 1) < 1e-6)
        let blackPixels = (0..<100).filter { image[0, $0 / 10, $0 % 10] == 0 }.count
        #expect(blackPixels == 12)
    }

    @Test func translucentFillsBlend() {
        var canvas = Canvas(width: 4, height: 4)
        canvas.rectangle(x: 0, y: 0, width: 4, height: 4, fill: RGBColor.black.withAlpha(0.25))
        let image = canvas.raster(supersampling: 1)
        #expect(abs(image[0, 2, 2] - 0.75) < 1e-6)
    }

    @Test func dashesCutTheLine() {
        let pieces = dashed([Point(0, 0), Point(10, 0), Point(10, 10)], pattern: [4, 2])
        // On 0-4, 6-10, then around the corner 12-16 (10,2)-(10,6), 18-20 (10,8)-(10,10).
        #expect(pieces.count == 4)
        #expect(pieces[1] == [Point(6, 0), Point(10, 0)])
        #expect(pieces[2] == [Point(10, 2), Point(10, 6)])
        #expect(pieces[3] == [Point(10, 8), Point(10, 10)])
    }

    @Test func bitmapFontHasEveryPrintableCharacter() {
        let box = BitmapFont.glyph("\u{FFFD}")
        for scalar in 32...126 {
            let c = Character(Unicode.Scalar(UInt8(scalar)))
            let g = BitmapFont.glyph(c)
            #expect(g.count == 9, "glyph \(c)")
            #expect(g.allSatisfy { $0 < 32 }, "glyph \(c) wider than 5")
            #expect(c == " " || g != box, "glyph \(c) missing")
            #expect(c == " " || g.contains { $0 != 0 }, "glyph \(c) blank")
        }
        #expect(BitmapFont.glyph("\u{2212}") == BitmapFont.glyph("-"))
        #expect(BitmapFont.width(of: "abc", fontSize: 10) == 17)
    }

    @Test func textRendersTheGlyphPixelsOnTheBaseline() {
        var canvas = Canvas(width: 20, height: 20)
        canvas.text("I", at: Point(2, 12), size: 10)  // unit 1 px: the glyph's rows 0-6 sit on y 5...11
        let image = canvas.raster(supersampling: 1)
        let inked = (0..<400).filter { image[0, $0 / 20, $0 % 20] < 0.5 }.map { ($0 % 20, $0 / 20) }
        #expect(inked.count == 3 + 5 + 3)  // "I": 3 across the top and bottom, 5 down the middle
        #expect(inked.map(\.1).min() == 5 && inked.map(\.1).max() == 11)
        // Turned by -90 degrees the same text reads upwards: 3 columns wide becomes 3 rows tall.
        var turned = Canvas(width: 20, height: 20)
        turned.text("I", at: Point(12, 15), size: 10, rotation: -90)
        let image2 = turned.raster(supersampling: 1)
        #expect((0..<400).filter { image2[0, $0 / 20, $0 % 20] < 0.5 }.count == 11)
    }

    @Test func svgEscapesTextAndParses() throws {
        var canvas = Canvas(width: 50, height: 20)
        canvas.text("a < b & \"c\"", at: Point(1, 10))
        canvas.line(from: Point(0, 0), to: Point(50, 20), stroke: Stroke(.black, width: 1.5, dash: [3, 2]))
        let svg = try canvas.svg()
        #expect(svg.contains("a &lt; b &amp; &quot;c&quot;"))
        #expect(svg.contains("stroke-dasharray=\"3 2\""))
        #expect(parseSVG(svg).error == nil)
        #expect(svgNumber(-2.5) == "-2.5" && svgNumber(3) == "3")
    }

    @Test func niceTicksAreRound() {
        let unit = niceTicks(0...1)
        #expect(unit.count == 6)
        #expect(zip(unit, [0, 0.2, 0.4, 0.6, 0.8, 1]).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(niceTicks(14.2...19.1) == [15, 16, 17, 18, 19])
        #expect(tickLabel(-0.5, step: 0.5) == "\u{2212}0.5")
        #expect(tickLabel(2, step: 1) == "2")
    }

    @Test func pngWriterMatchesTheRaster() throws {
        var canvas = Canvas(width: 7, height: 5, background: RGBColor(hex: 0x336699))
        canvas.rectangle(x: 0, y: 0, width: 1, height: 1, fill: .white)
        let png = try canvas.pngData(supersampling: 1)
        let header = try #require(pngHeader(png))
        #expect(header.width == 7 && header.height == 5)
        // Decoded by Imaging, the PNG holds the raster to 8-bit precision.
        let decoded = try Image(decoding: png, name: "tiny.png")
        let raster = canvas.raster(supersampling: 1)
        #expect(decoded.channels == 3 && zip(decoded.pixels, raster.pixels).allSatisfy { abs($0 - $1) <= 0.5 / 255 + 1e-6 })
        #expect(decoded[0, 0, 0] == 1 && abs(decoded[2, 4, 6] - 0x99 / 255) < 1e-6)
        let path = testOutputFolder().appendingPathComponent("tiny.png")
        try canvas.writePNG(to: path, supersampling: 1)
        #expect(try Data(contentsOf: path) == png)
    }
}
