import Foundation
import Testing
@testable import Imaging

@Suite struct RedArtefactTests {
    /// The textbook HSV formula in Double, scaled as OpenCV scales it (H/2, S and V to 255).
    static func referenceHSV(r: Int, g: Int, b: Int) -> (h: Double, s: Double, v: Double) {
        let (R, G, B) = (Double(r), Double(g), Double(b))
        let v = max(R, G, B), d = v - min(R, G, B)
        let s = v == 0 ? 0 : 255 * d / v
        var h = 0.0
        if d > 0 {
            if v == R { h = 60 * (G - B) / d } else if v == G { h = 120 + 60 * (B - R) / d } else { h = 240 + 60 * (R - G) / d }
        }
        if h < 0 { h += 360 }
        return (h / 2, s, v)
    }

    @Test func hsvMatchesOpenCVKnownValuesAndTheFormula() {
        // Values OpenCV's cvtColor(COLOR_RGB2HSV) gives for 8-bit pixels.
        #expect(HSV8(red: 255, green: 0, blue: 0) == HSV8(hue: 0, saturation: 255, value: 255))
        #expect(HSV8(red: 0, green: 255, blue: 0) == HSV8(hue: 60, saturation: 255, value: 255))
        #expect(HSV8(red: 0, green: 0, blue: 255) == HSV8(hue: 120, saturation: 255, value: 255))
        #expect(HSV8(red: 255, green: 0, blue: 1).hue == 0)      // -0.12 degrees rounds to 0, not 179
        #expect(HSV8(red: 255, green: 0, blue: 100).hue == 168)  // -23.5 degrees wraps to 336.5 / 2
        #expect(HSV8(red: 128, green: 128, blue: 128) == HSV8(hue: 0, saturation: 0, value: 128))
        #expect(HSV8(red: 0, green: 0, blue: 0) == HSV8(hue: 0, saturation: 0, value: 0))
        // Every colour on a coarse grid lies within rounding (one level; hue wraps at 180) of the formula.
        for r in stride(from: 0, through: 255, by: 15) {
            for g in stride(from: 0, through: 255, by: 15) {
                for b in stride(from: 0, through: 255, by: 15) {
                    let fast = HSV8(red: r, green: g, blue: b), slow = RedArtefactTests.referenceHSV(r: r, g: g, b: b)
                    let dh = abs(Double(fast.hue) - slow.h)
                    #expect(min(dh, 180 - dh) <= 1 && abs(Double(fast.saturation) - slow.s) <= 1 && fast.value == Int(slow.v),
                            "(\(r), \(g), \(b)) -> \(fast), formula \(slow)")
                    #expect((0...179).contains(fast.hue))
                }
            }
        }
    }

    @Test func redRuleThresholds() {
        #expect(RedPixelRule.isRed(HSV8(hue: 5, saturation: 80, value: 20)))
        #expect(!RedPixelRule.isRed(HSV8(hue: 5, saturation: 79, value: 200)))
        #expect(!RedPixelRule.isRed(HSV8(hue: 5, saturation: 200, value: 19)))
        #expect(!RedPixelRule.isRed(HSV8(hue: 11, saturation: 200, value: 200)))
        #expect(RedPixelRule.isRed(HSV8(hue: 170, saturation: 100, value: 20)))
        #expect(!RedPixelRule.isRed(HSV8(hue: 170, saturation: 99, value: 200)))
        #expect(!RedPixelRule.isRed(HSV8(hue: 159, saturation: 255, value: 255)))

        // Half the pixels pure red, half pure blue: the swapped convention counts the blue half as red.
        var image = Image(width: 4, height: 1, channels: 3)
        for x in 0..<2 { image[0, 0, x] = 1 }
        for x in 2..<4 { image[2, 0, x] = 1 }
        image[1, 0, 3] = 0.1
        #expect(redPixelFraction(image, rule: .study) == 0.5)
        #expect(redPixelFraction(image, rule: .swappedRedBlue) == 0.5)
        image[0, 0, 0] = 0  // one red pixel fewer
        #expect(redPixelFraction(image, rule: .study) == 0.25)
        #expect(redPixelFraction(image, rule: .swappedRedBlue) == 0.5)
        #expect(redPixelFraction(Image(width: 3, height: 3, channels: 1, repeating: 1)) == 0)
    }

    /// The study's per-object red percentages (`reds` in sdss_crossmatch_bright.csv) against ours.
    @Test(.enabled(if: PerseusData.available, "needs ../shared/data/perseus"))
    func reproducesTheStudysRedPercentages() throws {
        let text = try String(contentsOf: PerseusData.url("pcc/sdss_crossmatch_bright.csv"), encoding: .utf8)
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        if lines.first?.hasPrefix("#") == true { lines.removeFirst() }
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        let nameColumn = try #require(header.firstIndex(of: "name")), redsColumn = try #require(header.firstIndex(of: "reds"))
        var compared = 0, missing = 0
        var within = [false: 0, true: 0]  // keyed by swapRedAndBlue
        var worst = [true: 0.0, false: 0.0]
        var agreeOnCut = 0
        for line in lines {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let url = PerseusData.url("pcc/cutouts/\(fields[nameColumn]).jpg")
            guard FileManager.default.fileExists(atPath: url.path) else { missing += 1; continue }
            let published = try #require(Double(fields[redsColumn]))
            let image = try Image(contentsOf: url)
            compared += 1
            for rule in [RedPixelRule.study, .swappedRedBlue] {
                let ours = 100 * redPixelFraction(image, rule: rule)
                if abs(ours - published) <= 1 { within[rule.swapRedAndBlue]! += 1 }
                worst[rule.swapRedAndBlue] = max(worst[rule.swapRedAndBlue]!, abs(ours - published))
                if rule == .study, (ours > 50) == (published > 50) { agreeOnCut += 1 }
            }
        }
        print("red percentages: \(compared) objects compared (\(missing) without a cutout); within 1 point: "
              + "true colours (COLOR_BGR2HSV on imread) \(within[false]!), red and blue swapped \(within[true]!); "
              + "largest difference \(worst[false]!) / \(worst[true]!) points; same side of the 50% cut: \(agreeOnCut)")
        #expect(compared >= 150)
        #expect(within[false]! == compared, "the study's convention should reproduce every published percentage")
        #expect(worst[false]! < 0.01)
        #expect(within[true]! < compared / 2)
        #expect(agreeOnCut == compared)
    }
}
