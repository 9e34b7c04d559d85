import Testing
@testable import Evaluation

@Suite struct MagnitudeBinTests {
    @Test func binsSplitAtTheEdgesWithTheEdgeInTheBrighterBin() {
        let bins = MagnitudeBin.between()
        #expect(bins.map(\.label) == ["r <= 19.4", "19.4 < r <= 20.5", "20.5 < r <= 21.5", "r > 21.5"])
        #expect(bins[0].contains(19.4) && !bins[1].contains(19.4) && bins[1].contains(19.41))
        #expect(bins[3].contains(30) && !bins[2].contains(21.6))
    }

    @Test func recallAndPrecisionPerBinAreCountedByHand() {
        // bright: two members, one found, one background called member; faint: one member missed; no magnitude: left out.
        let magnitude: [Double?] = [18, 18.5, 19, 19.2, 21, 22, nil]
        let truth =                [1,  1,    0,  0,    1,  0,  1]
        let predicted =            [1,  0,    1,  0,    0,  0,  1]
        let found = evaluateByMagnitude(magnitude: magnitude, truth: truth, predicted: predicted)
        #expect(found.map(\.objects) == [4, 0, 1, 1])
        #expect(found[0].recall == 0.5 && found[0].precision == 0.5)
        #expect(found[1].recall == nil && found[1].precision == nil)
        #expect(found[2].recall == 0 && found[2].precision == nil)
        #expect(found[3].members == 0 && found[3].recall == nil)
    }
}
