import Foundation
import Testing
@testable import Astro

@Suite(.enabled(if: PerseusData.available, "needs ../shared/data/perseus (or PERSEUS_DATA)"))
struct RealDataTests {
    @Test func pccParsesWithTheReadmeClassCounts() throws {
        let catalog = try Catalog.readPCC(PerseusData.file("pcc/PCC_cat.txt"))
        #expect(catalog.objects.count == 5437)
        #expect(catalog.skipped.isEmpty)
        let counts = Dictionary(grouping: catalog.objects, by: { $0.objectClass ?? "" }).mapValues(\.count)
        #expect(counts == [
            "Likely background ETG or unresolved source": 3008,
            "Likely cluster or background edge-on disk galaxy": 1049,
            "Cluster or background galaxy with possibly weak substructure": 477,
            "Likely dE/ETGcluster candidate": 398,
            "Cluster or background LTG": 384,
            "Possible dE/ETGcluster candidate": 98,
            "Likely merging system": 23,
        ])
        #expect(catalog.objects.filter { $0.extra["nucleation"] != nil }.count == 496)
        let bright = catalog.objects.filter { ($0.magnitude ?? .infinity) <= 19.4 }
        #expect(bright.count == 272)
        let labels = bright.compactMap { PCCLabelMapping.study.label(forClass: $0.objectClass) }
        #expect(labels.count == 269)  // 3 bright mergers left out
    }

    @Test func spectroscopicObjIDsRoundTripExactly() throws {
        var checked = 0
        for file in ["spec/spec_search_45arcmin.csv", "spec/radial_search_90arcmin.csv", "spec/flag_sweep.csv",
                     "pcc/sdss_crossmatch_bright.csv"] {
            let url = PerseusData.file(file)
            let catalog = try Catalog.readSDSSCSV(url)
            // The file's own text, split independently of the reader (these files have no quoted commas).
            let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
                .filter { !$0.hasPrefix("#") }
            let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let objCol = try #require(header.firstIndex(of: "objID"))
            let specCol = header.firstIndex(of: "specObjID")
            #expect(catalog.objects.count == lines.count - 1)
            for (object, line) in zip(catalog.objects, lines.dropFirst()) {
                let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                #expect(object.objID.map { String($0) } == fields[objCol], "\(file) line \(object.line)")
                if let specCol {
                    #expect(object.specObjID.map { String($0) } == fields[specCol], "\(file) line \(object.line)")
                }
                checked += 1
            }
        }
        #expect(checked == 233 + 652 + 69 + 230)
    }

    @Test func flagDecodingMatchesFlagText() throws {
        var checked = 0
        for file in ["spec/spec_search_45arcmin.csv", "spec/flag_sweep.csv"] {
            let catalog = try Catalog.readSDSSCSV(PerseusData.file(file))
            for object in catalog.objects {
                let text = try #require(object.extra["flag_text"])
                let flags = try #require(object.flags)
                #expect(flags.names == text.split(separator: " ").map(String.init), "\(file) line \(object.line)")
                #expect(try PhotoFlags(text: text) == flags)
                checked += 1
            }
        }
        #expect(checked == 233 + 69)
    }

    @Test func coloursAreConsistent() throws {
        let catalog = try Catalog.readSDSSCSV(PerseusData.file("pcc/sdss_crossmatch_bright.csv"))
        #expect(catalog.objects.count == 230)
        for o in catalog.objects {
            let p = try #require(o.photometry)
            // The table's g-z and g-i agree with the bands rebuilt from r and (u-g, g-r, r-i, r-z).
            #expect(abs(p.colour(.g, .z) - o.extraNumber("g_z")!) < 1e-4, "\(o.id)")
            #expect(abs(p.colour(.g, .i) - o.extraNumber("g_i")!) < 1e-4, "\(o.id)")
        }
        let spec = try Catalog.readSDSSCSV(PerseusData.file("spec/spec_search_45arcmin.csv"))
        #expect(spec.objects.allSatisfy { $0.correctedR != nil && $0.dereddenedGMinusZ != nil })
    }

    /// PCC bright objects joined to the SDSS cross-match by position find the objects the table names, wherever the
    /// table's own match is a close one. (About 20 of its 230 pairs are 10-114 arcsec apart: the study's cross-match
    /// picked a different SDSS object for those; this test prints how many.)
    @Test func positionJoinAgreesWithNames() throws {
        let pcc = try Catalog.readPCC(PerseusData.file("pcc/PCC_cat.txt"))
        let sdss = try Catalog.readSDSSCSV(PerseusData.file("pcc/sdss_crossmatch_bright.csv"))
        let (byName, nameReport) = pcc.joined(with: sdss, on: .id)
        #expect(nameReport.matched == 230)
        let (byPosition, positionReport) = pcc.joined(with: sdss, on: .position(radiusArcsec: 2))
        let sdssByObjID = Dictionary(sdss.objects.map { ($0.objID!, $0) }, uniquingKeysWith: { a, _ in a })
        var close = 0
        var far = 0
        for (a, b) in zip(byName.objects, byPosition.objects) {
            guard let objID = a.objID, let s = sdssByObjID[objID] else { continue }
            let separation = angularSeparation(ra1: a.ra, dec1: a.dec, ra2: s.ra, dec2: s.dec) * 3600
            if separation <= 1 {
                close += 1
                #expect(b.objID == objID, "\(a.id): named \(objID), nearest \(b.objID.map(String.init) ?? "none")")
            } else {
                far += 1
            }
        }
        print("PCC x SDSS bright: \(nameReport.matched) by name, \(close) of them within 1\" and \(far) further;"
              + " \(positionReport.matched) matched by position within 2\"")
        #expect(close >= 200)
        // Spectroscopic redshifts joined onto the PCC, labelled by redshift.
        let spec = try Catalog.readSDSSCSV(PerseusData.file("spec/spec_search_45arcmin.csv"))
        let (withZ, zReport) = pcc.joined(with: spec, on: .position(radiusArcsec: 2))
        let kinds = Dictionary(grouping: withZ.objects.compactMap { $0.redshift }, by: RedshiftLabeling.study.classify)
            .mapValues(\.count)
        print("PCC x 45-arcmin spectra: \(zReport.matched) matched; by redshift: \(kinds)")
        #expect(zReport.matched > 0)
    }
}
