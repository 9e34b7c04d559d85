import Foundation
import Testing
@testable import Astro

@Suite struct PCCReaderTests {
    static let sample = """
        N/A  PCC-0001  49.2355  41.5722  20.51  0.04   1.44   0.1   20.8  1.07   0.1  -64.5   1.7  0.41    0   0.69   0.25   0.63   0.28              Likely cluster or background edge-on disk galaxy                                  http://x/stamp?ID=PCC-0001
        N/A  PCC-0002  49.2377  41.5285  N/A  0.06   1.08   0.1  23.14  0.69  0.96    N/A   N/A   0.4    0   0.58   0.25   0.42   0.15                    Likely dE/ETGcluster candidate      Nucleated        http://x/stamp?ID=PCC-0002
        N/A  PCC-0003  49.2  41.5  oops  http://x
        """

    @Test func fieldsClassesAndNucleation() throws {
        let table = CatalogTable.parsePCC(Self.sample, source: "pcc.txt")
        #expect(table.rows.count == 2)
        #expect(table.malformed.first?.line == 3)
        let catalog = try Catalog(table: table, mapping: .pcc, policy: .skip)
        #expect(catalog.objects.map(\.id) == ["PCC-0001", "PCC-0002"])
        #expect(catalog.objects[0].objectClass == "Likely cluster or background edge-on disk galaxy")
        #expect(catalog.objects[0].extra["nucleation"] == nil)
        #expect(catalog.objects[1].extra["nucleation"] == "Nucleated")
        #expect(catalog.objects[1].magnitude == nil)
        #expect(catalog.objects[0].magnitude == 20.51)
        #expect(catalog.objects[0].extra["url"] == "http://x/stamp?ID=PCC-0001")
        #expect(catalog.skipped.count == 1)
        #expect(throws: CatalogError.self) { try Catalog(table: table, mapping: .pcc) }
    }

    @Test func labels() {
        let m = PCCLabelMapping.study
        #expect(m.label(forClass: "Likely dE/ETGcluster candidate") == 1)
        #expect(m.label(forClass: "Possible dE/ETGcluster candidate") == 1)
        #expect(m.label(forClass: "Cluster or background LTG") == 0)
        #expect(m.label(forClass: "Likely merging system") == nil)
        let z = RedshiftLabeling.study
        #expect(z.classify(-0.0003) == .star)
        #expect(z.classify(0.018) == .member)
        #expect(z.classify(0.05) == .background)
        #expect(z.label(0.005) == 0 && z.label(0.02) == 1 && z.label(0.04) == 0)
        #expect(RedshiftLabeling(starBelow: 0.005, memberBelow: 0.03).classify(0.031) == .background)
    }
}
