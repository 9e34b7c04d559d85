import Testing
@testable import Astro
import SeededRandom

@Suite struct CrossMatchTests {
    @Test func separation() {
        #expect(abs(angularSeparation(ra1: 10, dec1: 0, ra2: 11, dec2: 0) - 1) < 1e-12)
        #expect(abs(angularSeparation(ra1: 359.9, dec1: 0, ra2: 0.1, dec2: 0) - 0.2) < 1e-9)
        #expect(abs(angularSeparation(ra1: 0, dec1: 89.9, ra2: 180, dec2: 89.9) - 0.2) < 1e-9)
        #expect(abs(angularSeparation(ra1: 5, dec1: 60, ra2: 5, dec2: 60)) < 1e-15)
    }

    /// The declination-sorted search finds the same nearest match as comparing every pair.
    @Test func agreesWithBruteForce() {
        var g = SeededGenerator(seed: 7)
        let candidates = (0..<2000).map { _ in SkyPosition(ra: g.uniform(in: 0..<360), dec: g.uniform(in: 40..<43)) }
        var sources = (0..<500).map { _ in SkyPosition(ra: g.uniform(in: 0..<360), dec: g.uniform(in: 40..<43)) }
        // Some sources sit close to a candidate, some across RA = 0.
        for k in 0..<200 {
            let c = candidates[k * 7]
            sources[k] = SkyPosition(ra: (c.ra + g.uniform(in: -0.0005..<0.0005) + 360).truncatingRemainder(dividingBy: 360),
                                     dec: c.dec + g.uniform(in: -0.0005..<0.0005))
        }
        let radius = 3.0
        let result = crossMatch(sources, candidates, radiusArcsec: radius)
        var expectedUnmatched: [Int] = []
        for (s, p) in sources.enumerated() {
            var best: (Int, Double)?
            for (c, q) in candidates.enumerated() {
                let d = angularSeparation(ra1: p.ra, dec1: p.dec, ra2: q.ra, dec2: q.dec) * 3600
                if d <= radius && (best == nil || d < best!.1) { best = (c, d) }
            }
            if let best {
                #expect(result.matches.first { $0.source == s }?.candidate == best.0)
            } else {
                expectedUnmatched.append(s)
            }
        }
        #expect(result.unmatched == expectedUnmatched)
        #expect(result.matches.count >= 150)
    }

    @Test func joinFillsWhatIsMissing() {
        let pcc = Catalog(source: "pcc", columns: ["id"], objects: [
            CatalogObject(id: "PCC-1", ra: 50, dec: 41, magnitude: 18, objectClass: "x"),
            CatalogObject(id: "PCC-2", ra: 51, dec: 41, magnitude: 19),
        ])
        let sdss = Catalog(source: "sdss", columns: ["objID"], objects: [
            CatalogObject(id: "123", ra: 50.0002, dec: 41.0001, magnitude: 17.5, objID: 123, redshift: 0.02,
                          extra: ["petroRad_r": "5"]),
        ])
        let (joined, report) = pcc.joined(with: sdss, on: .position(radiusArcsec: 2))
        #expect(report.matched == 1 && report.unmatchedIDs == ["PCC-2"])
        #expect(joined.objects[0].objID == 123 && joined.objects[0].redshift == 0.02)
        #expect(joined.objects[0].magnitude == 18 && joined.objects[0].id == "PCC-1")
        #expect(joined.objects[0].extra["petroRad_r"] == "5")
        #expect(joined.objects[1].objID == nil)
    }

    /// A joined table's label column fills in only for objects with neither a label nor a catalogue class: the
    /// bright PCC objects' class stays their label source when the SDSS cross-match carries the study's 0/1 labels
    /// (which, read as class numbers under --classes pcc7, named the wrong classes).
    @Test func aJoinedLabelDoesNotReplaceACatalogueClass() {
        let pcc = Catalog(source: "pcc", columns: ["id"], objects: [
            CatalogObject(id: "PCC-1", ra: 50, dec: 41, magnitude: 18, objectClass: "Cluster or background LTG"),
            CatalogObject(id: "PCC-2", ra: 51, dec: 41, magnitude: 19),
        ])
        let sdss = Catalog(source: "sdss", columns: ["objID", "labels"], objects: [
            CatalogObject(id: "1", ra: 50.0002, dec: 41.0001, magnitude: 17.5, labelText: "0", objID: 1),
            CatalogObject(id: "2", ra: 51.0002, dec: 41.0001, magnitude: 18.5, labelText: "1", objID: 2),
        ])
        let (joined, _) = pcc.joined(with: sdss, on: .position(radiusArcsec: 2))
        #expect(joined.objects[0].labelText == nil && joined.objects[0].objectClass == "Cluster or background LTG")
        #expect(joined.objects[1].labelText == "1")
    }
}

