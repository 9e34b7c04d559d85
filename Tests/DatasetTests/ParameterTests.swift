import Astro
import Foundation
import Imaging
import Testing
@testable import Dataset

/// Catalogue parameters carried by `prepare` into `objects.csv` for the catalogue model.
@Suite struct ParameterTests {
    func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("perseus-parameters-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: url.appendingPathComponent("cutouts"), withIntermediateDirectories: true)
        return url
    }

    @Test func objectsCSVKeepsParametersAndTheirOrder() throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let image = root.appendingPathComponent("cutouts/a.png")
        let objects = [
            PreparedObject(id: "a", source: "catalog", ra: 1, dec: 2, label: 1, split: .train, image: image,
                           parameters: ["field7": 2.5, "field6": -0.25]),
            PreparedObject(id: "b", source: "spectra", ra: 1, dec: 2, label: 0, split: .holdout, image: image),
        ]
        try PreparedDataset(objects: objects, parameterNames: ["field7", "field6"]).write(to: root.appendingPathComponent("d"), cleaning: "")
        let back = try PreparedDataset.load(from: root.appendingPathComponent("d"))
        #expect(back.parameterNames == ["field7", "field6"])
        #expect(back.objects == objects)
    }

    @Test func prepareCarriesTheColumnsAskedForAndRefusesUnknownOnes() throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(at: root) }
        var lines = ["name,ra,dec,label,sersic"]
        for i in 0..<8 {
            lines.append("obj\(i),49.\(i),41.5,\(i % 2),\(i == 3 ? "" : String(Double(i) / 2))")
            let pixels = [Float](repeating: 0.2, count: 3 * 16 * 16)
            try Image(width: 16, height: 16, channels: 3, pixels: pixels).write(to: root.appendingPathComponent("cutouts/obj\(i).png"), format: .png)
        }
        let catalog = root.appendingPathComponent("catalog.csv")
        try lines.joined(separator: "\n").write(to: catalog, atomically: true, encoding: .utf8)
        var options = PreparationOptions(catalog: catalog, images: root.appendingPathComponent("cutouts"), seed: 1)
        options.rules.maxMagnitude = nil
        options.parameters = ["sersic"]
        let dataset = try prepare(options).dataset
        #expect(dataset.parameterNames == ["sersic"])
        let byID = Dictionary(uniqueKeysWithValues: dataset.objects.map { ($0.id, $0.parameters) })
        #expect(byID["obj5"] == ["sersic": 2.5])
        #expect(byID["obj3"] == [:])

        options.parameters = ["sersik"]
        #expect {
            try prepare(options)
        } throws: { error in
            "\(error)".contains("no column 'sersik'") && "\(error)".contains("sersic")
        }
    }
}
