import Testing
@testable import Astro

@Suite struct PhotometryTests {
    @Test func bandsFromRAndColours() {
        let p = Photometry(r: 17, uMinusG: 1.8, gMinusR: 0.7, rMinusI: 0.3, rMinusZ: 0.5)
        #expect(abs(p.g - 17.7) < 1e-12 && abs(p.u - 19.5) < 1e-12)
        #expect(abs(p.i - 16.7) < 1e-12 && abs(p.z - 16.5) < 1e-12)
        #expect(abs(p.colour(.g, .z) - 1.2) < 1e-12)
        let a = Photometry(u: 0.5, g: 0.4, r: 0.3, i: 0.2, z: 0.1)
        #expect(abs(p.dereddened(by: a).colour(.g, .z) - 0.9) < 1e-12)
    }

    @Test func flagsBothWays() throws {
        #expect(PhotoFlags.bit(named: "CHILD") == 4 && PhotoFlags.bit(named: "NODEBLEND") == 6)
        #expect(PhotoFlags.bit(named: "NOPETRO") == 8 && PhotoFlags.bit(named: "COSMIC_RAY") == 12)
        #expect(PhotoFlags.bit(named: "CR") == 12 && PhotoFlags.bit(named: "saturated") == 18)
        #expect(PhotoFlags.bit(named: "SUBTRACTED") == 20)
        #expect(Set(PhotoFlags.table.map(\.bit)) == Set(0..<64))
        #expect(Set(PhotoFlags.table.map(\.name)).count == 64)
        for (name, bit) in PhotoFlags.table {
            let f = try PhotoFlags(names: [name])
            #expect(f.rawValue == 1 << UInt64(bit))
            #expect(f.names == [name])
        }
        let mask = try PhotoFlags(text: "DEBLENDED_AT_EDGE BINNED1 CHILD ")
        #expect(mask.rawValue == 35_184_640_524_304)
        #expect(mask.names == ["DEBLENDED_AT_EDGE", "BINNED1", "CHILD"])
        #expect(mask.contains(.child) && !mask.contains(.nodeblend))
        #expect(PhotoFlags(Int64.min).names == ["SPARE1"])
        #expect(throws: PhotoFlagsError.unknownName("NOT_A_FLAG")) { try PhotoFlags(names: ["NOT_A_FLAG"]) }
    }
}
