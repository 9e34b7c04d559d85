import Astro
import Dataset
import Foundation
import Imaging
import Testing

/// A user's own labelled cutouts: catalogues with any id column, without positions, labels as names or numbers, image
/// folders one subfolder per class, and the errors that say what to fix.
@Suite struct ClassesTests {
    static func folder(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("perseus-classes-\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func png(_ url: URL, value: Float) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Image(width: 8, height: 8, channels: 3, pixels: [Float](repeating: value, count: 3 * 64)).write(to: url, format: .png)
    }

    /// `id,label` rows for `count` objects with cutouts `<id>.png`; no ra, dec.
    static func catalogue(in folder: URL, labels: [String], header: String = "id,label") throws -> PreparationOptions {
        var text = header + "\n"
        for (i, label) in labels.enumerated() {
            text += "gal\(i),\(label)\n"
            try png(folder.appendingPathComponent("images/gal\(i).png"), value: Float(i) / Float(labels.count))
        }
        let csv = folder.appendingPathComponent("labels.csv")
        try text.write(to: csv, atomically: true, encoding: .utf8)
        var options = PreparationOptions(catalog: csv, images: folder.appendingPathComponent("images"), seed: 1)
        options.rules.maxMagnitude = nil
        options.rules.maxRedFraction = nil
        return options
    }

    @Test func anIDColumnIsRecognisedAndPositionsAreOptional() throws {
        let work = try Self.folder("id")
        defer { try? FileManager.default.removeItem(at: work) }
        let options = try Self.catalogue(in: work, labels: (0..<16).map { String($0 % 2) })
        let preparation = try prepare(options)
        #expect(preparation.dataset.objects.count == 16)
        #expect(preparation.dataset.objects.allSatisfy { $0.id.hasPrefix("gal") && $0.ra.isNaN })
        #expect(preparation.notes.contains { $0.contains("16 of 16 ids") && $0.contains("id column 'id'") })
        try preparation.dataset.write(to: work.appendingPathComponent("ds"), cleaning: "")
        let loaded = try PreparedDataset.load(from: work.appendingPathComponent("ds"))
        #expect(loaded.objects.count == 16 && loaded.objects[0].ra.isNaN)
        #expect(loaded.classNames == ["background", "member"])
    }

    @Test func idColumnAndLabelColumnChooseTheColumns() throws {
        let work = try Self.folder("columns")
        defer { try? FileManager.default.removeItem(at: work) }
        var options = try Self.catalogue(in: work, labels: (0..<12).map { $0 % 3 == 0 ? "spiral" : "elliptical" },
                                         header: "galaxy,kind")
        options.idColumn = "galaxy"
        options.labelColumn = "kind"
        let dataset = try prepare(options).dataset
        #expect(dataset.classNames == ["elliptical", "spiral"])
        #expect(dataset.objects.filter { $0.label == 1 }.count == 4)
    }

    @Test func idsThatMatchNoImageSayHowManyAndWhichColumn() throws {
        let work = try Self.folder("noimage")
        defer { try? FileManager.default.removeItem(at: work) }
        var options = try Self.catalogue(in: work, labels: ["0", "1", "0", "1"], header: "number,label")
        options.labelColumn = "label"
        // No recognised id column: the rows are numbered by line, and no image is named so.
        #expect { try prepare(options) } throws: { error in
            let text = "\(error)"
            return text.contains("labels.csv") && text.contains("none of its 4 ids") && text.contains("--id-column")
        }
    }

    @Test func aLabelOutsideTheClassesNamesTheRowAndTheClasses() throws {
        let work = try Self.folder("outside")
        defer { try? FileManager.default.removeItem(at: work) }
        var options = try Self.catalogue(in: work, labels: ["cat", "dog", "fox", "cat"])
        options.classes = try ClassList(parsing: "cat,dog")
        #expect { try prepare(options) } throws: { error in
            let text = "\(error)"
            return text.contains("labels.csv, line 4") && text.contains("'fox'") && text.contains("cat, dog") && text.contains("--classes")
        }
    }

    @Test func aSingleClassIsRefused() throws {
        let work = try Self.folder("single")
        defer { try? FileManager.default.removeItem(at: work) }
        let options = try Self.catalogue(in: work, labels: ["1", "1", "1", "1"])
        #expect { try prepare(options) } throws: { "\($0)".contains("only class 'member'") && "\($0)".contains("two classes") }
    }

    @Test func pcc7GivesEachPCCClassItsLabel() throws {
        #expect(ClassList.pcc7(mergers: true).names.count == 7)
        #expect(ClassList.pcc7(mergers: false).names.count == 6)
        let seven = try ClassList(parsing: "pcc7")
        #expect(seven.label(forPCCClass: "Likely merging system", membership: .study) == 6)
        #expect(try ClassList(parsing: "pcc7-without-mergers").label(forPCCClass: "Likely merging system", membership: .study) == nil)
        #expect(seven.label(forPCCClass: "Cluster or background LTG", membership: .study) == 2)
        #expect(ClassList.member.label(forPCCClass: "Cluster or background LTG", membership: .study) == 0)
    }

    @Test func imageFoldersAreOneClassEach() throws {
        let work = try Self.folder("folders")
        defer { try? FileManager.default.removeItem(at: work) }
        for (c, name) in ["spiral", "elliptical", "star"].enumerated() {
            for i in 0..<8 { try Self.png(work.appendingPathComponent("set/\(name)/any name \(i).png"), value: Float(c) / 3) }
        }
        let preparation = try prepareImageFolders(work.appendingPathComponent("set"), split: SplitOptions(seed: 2))
        let dataset = preparation.dataset
        #expect(dataset.classNames == ["elliptical", "spiral", "star"])
        #expect(dataset.objects.count == 24)
        #expect(dataset.objects.first { $0.id == "star/any name 3" }?.label == 2)
        #expect(Set(dataset.objects.map(\.split)) == [.train, .validation, .test])
        try dataset.write(to: work.appendingPathComponent("ds"), cleaning: preparation.cleaningText)
        let loaded = try PreparedDataset.load(from: work.appendingPathComponent("ds"))
        #expect(loaded.classNames == dataset.classNames && loaded.objects.map(\.label) == dataset.objects.map(\.label))
    }

    @Test func badImageFoldersSayWhatToFix() throws {
        let work = try Self.folder("badfolders")
        defer { try? FileManager.default.removeItem(at: work) }
        let set = work.appendingPathComponent("set")
        try Self.png(set.appendingPathComponent("spiral/a.png"), value: 0.5)
        #expect { try prepareImageFolders(set, split: SplitOptions(seed: 1)) } throws: {
            "\($0)".contains("only one class folder, 'spiral'")
        }
        try FileManager.default.createDirectory(at: set.appendingPathComponent("elliptical"), withIntermediateDirectories: true)
        #expect { try prepareImageFolders(set, split: SplitOptions(seed: 1)) } throws: {
            "\($0)".contains("elliptical") && "\($0)".contains("is empty")
        }
        try Data("not an image".utf8).write(to: set.appendingPathComponent("elliptical/b.png"))
        #expect { try prepareImageFolders(set, split: SplitOptions(seed: 1)) } throws: {
            "\($0)".contains("elliptical") && "\($0)".contains("none of its 1 files is a JPEG, PNG or FITS image")
        }
    }

    @Test func aDatasetWithoutClassesTxtIsMembership() throws {
        let work = try Self.folder("old")
        defer { try? FileManager.default.removeItem(at: work) }
        let object = PreparedObject(id: "a", source: "catalog", ra: 1, dec: 2, label: 1, split: .train,
                                    image: work.appendingPathComponent("a.png"))
        try PreparedDataset(objects: [object]).write(to: work, cleaning: "")
        try FileManager.default.removeItem(at: work.appendingPathComponent(PreparedDataset.classesFile))
        let loaded = try PreparedDataset.load(from: work)
        #expect(loaded.classNames == ["background", "member"] && loaded.isMembership)
    }

    @Test func columnMappingRecognisesIDAndOptionalPositions() {
        let mapping = ColumnMapping.sdss(columns: ["id", "label", "mag"])
        #expect(mapping.id == "id")
        #expect(mapping.ra == nil && mapping.dec == nil)
        #expect(ColumnMapping.sdss(columns: ["name", "id", "ra", "dec"]).id == "name")
    }
}
