import Foundation
import Testing
@testable import Dataset
import Imaging

@Suite struct SyntheticFieldTests {
    static func small(seed: UInt64, count: Int) -> SyntheticField {
        var field = SyntheticField(seed: seed, count: count)
        field.cutoutSize = 48
        field.pixelScale = 20.0 / 48
        return field
    }

    @Test func deterministicBySeed() {
        let a = SyntheticFieldTests.small(seed: 11, count: 12).generate()
        let b = SyntheticFieldTests.small(seed: 11, count: 12).generate()
        let c = SyntheticFieldTests.small(seed: 12, count: 12).generate()
        #expect(a.map(\.image.pixels) == b.map(\.image.pixels))
        #expect(a.map(\.kind) == b.map(\.kind) && a.map(\.rMagnitude) == b.map(\.rMagnitude))
        #expect(zip(a, c).filter { $0.image.pixels == $1.image.pixels }.isEmpty)
        // Object k does not depend on how many objects the field has.
        let longer = SyntheticFieldTests.small(seed: 11, count: 20).generate()
        #expect(longer[5].image.pixels == a[5].image.pixels && longer[5].name == "SYN-00006")
    }

    @Test func objectsLookLikeCatalogueRows() {
        let objects = SyntheticFieldTests.small(seed: 3, count: 200).generate()
        for object in objects {
            #expect(object.image.width == 48 && object.image.height == 48 && object.image.channels == 3)
            #expect(object.image.pixels.allSatisfy { (0...1).contains($0) && ($0 * 255).rounded() == $0 * 255 })
            #expect(object.label == (object.className == "Likely dE/ETGcluster candidate" ? 1 : 0))
            #expect(object.rMagnitude <= 19.4 && object.rMagnitude > 12)
        }
        let members = objects.filter { $0.label == 1 }.count
        #expect((60...120).contains(members), "\(members) members of 200 for a weight of 0.45")
        #expect(Set(objects.map(\.kind)) == Set(SyntheticClass.allCases))
        // Members sit on the cluster's red sequence; background early types are redder.
        func meanGR(_ kind: SyntheticClass) -> Double {
            let chosen = objects.filter { $0.kind == kind }
            return chosen.map(\.gMinusR).reduce(0, +) / Double(chosen.count)
        }
        #expect(meanGR(.clusterDwarf) < meanGR(.backgroundEarlyType) && meanGR(.lateType) < meanGR(.clusterDwarf))
    }

    @Test func redArtefactsAreCaughtByTheStudysRule() {
        var field = SyntheticFieldTests.small(seed: 5, count: 60)
        field.redArtefactRate = 0.5
        let objects = field.generate()
        let flagged = objects.filter(\.hasRedArtefact), clean = objects.filter { !$0.hasRedArtefact }
        #expect(flagged.count > 10 && clean.count > 10)
        let caught = flagged.filter { redPixelFraction($0.image) > 0.5 }.count
        let falseAlarms = clean.filter { redPixelFraction($0.image) > 0.5 }.count
        #expect(Double(caught) >= 0.8 * Double(flagged.count), "\(caught) of \(flagged.count) artefacts above 50% red")
        #expect(falseAlarms == 0)
    }

    @Test func writesAFolderOfCutoutsAndACatalogue() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("perseus-synthetic-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let objects = try SyntheticFieldTests.small(seed: 9, count: 8).write(to: folder)
        let lines = try String(contentsOf: folder.appendingPathComponent("catalogue.csv"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        #expect(lines.first == "name,ra,dec,file,class,label,type,modelMag_r,g_r,g_z,r_i,red_artefact")
        #expect(lines.count == 9)
        for (object, line) in zip(objects, lines.dropFirst()) {
            #expect(line.hasPrefix("\(object.name),") && line.contains(",cutouts/\(object.name).png,\"\(object.className)\",\(object.label),"))
            let image = try Image(contentsOf: folder.appendingPathComponent("cutouts/\(object.name).png"))
            #expect(image.pixels == object.image.pixels)  // PNG is lossless and the cutouts are on 8-bit levels
        }
    }
}
