import Imaging
import Testing
@testable import Dataset

@Suite struct AugmentationTests {
    @Test func studyPlans() {
        let report = AugmentationPlan.study()
        #expect(report.count == 16)
        #expect(report.augmentations.first == .identity)
        #expect(report.augmentations.map(\.rotationDegrees).contains(225))
        let code = AugmentationPlan.study(.code)
        #expect(code.augmentations.map(\.rotationDegrees).contains(235))
        #expect(code.augmentations.map(\.rotationDegrees).contains(360))
        #expect(!code.augmentations.map(\.rotationDegrees).contains(225))
        let flipped = AugmentationPlan.study(flips: true)
        #expect(flipped.count == 32 && Set(flipped.augmentations).count == 32)
        #expect(report.expand([3, 5]).count == 32)
        #expect(report.expand([3, 5])[16].object == 5)
    }

    @Test func rotationFromWideCutoutHasNoEmptyCorners() throws {
        // A 400x400 field with no zero pixel, rotated and cropped to 200x200 at every study angle.
        let wide = Image(width: 400, height: 400, channels: 3,
                         pixels: (0..<(400 * 400 * 3)).map { Float(1 + $0 % 97) / 100 })
        for a in AugmentationPlan.study(flips: true).augmentations {
            let out = try a.apply(to: wide, width: 200, height: 200)
            #expect(out.width == 200 && out.height == 200 && out.channels == 3)
            #expect(!out.pixels.contains(0), "\(a)")
        }
        // Same-sized source: the identity is the image itself.
        let small = Image(width: 8, height: 8, channels: 1, pixels: (0..<64).map(Float.init))
        #expect(try Augmentation.identity.apply(to: small, width: 8, height: 8) == small)
        let flipped = try Augmentation(flipHorizontal: true).apply(to: small, width: 8, height: 8)
        #expect(flipped[0, 0, 0] == 7)
    }

    @Test func randomAugmenterIsSeeded() {
        var a = RandomAugmenter(seed: 9)
        var b = RandomAugmenter(seed: 9)
        let drawsA = (0..<200).map { _ in a.next() }
        #expect(drawsA == (0..<200).map { _ in b.next() })
        #expect(drawsA.allSatisfy { (0..<360).contains($0.rotationDegrees) })
        #expect(Set(drawsA.map(\.flipHorizontal)).count == 2)
        #expect(drawsA.map(\.rotationDegrees).max()! > 300 && drawsA.map(\.rotationDegrees).min()! < 60)
        var noFlips = RandomAugmenter(seed: 9, flips: false)
        #expect((0..<50).allSatisfy { _ in let x = noFlips.next(); return !x.flipHorizontal && !x.flipVertical })
    }
}
