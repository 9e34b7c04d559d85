import Dataset
import Foundation
import Runs
import Testing
import Training
@testable import Scale

/// `perseus predict` with a run of three classes: the label is the class's name and every class has its `p_<class>`
/// column, equal to what `evaluate` predicts for the same objects; shards merge and become FITS with those columns,
/// and an output begun for other classes is neither resumed nor merged.
@Suite(.serialized) struct ClassesPredictionTests {
    static let classes = ["elliptical", "spiral", "star"]

    /// The binary fixture's cutouts relabelled into three classes, and a ResNet-10 trained on them for one epoch.
    static let run: Result<URL, any Error> = Result {
        let f = try fixture()
        let objects = f.files.enumerated().map { k, file in
            PreparedObject(id: "o\(k)", source: "catalog", ra: 0, dec: 0, label: k % 3, split: k % 4 == 0 ? .validation : .train,
                           image: f.folder.appendingPathComponent(file))
        }
        return try Fixture.train(objects, classes: classes, at: f.folder.appendingPathComponent("three"))
    }

    func trained() throws -> TrainedModel { try TrainedModel.load(run: RunFolder.open(Self.run.get())) }

    func predict(_ shard: Shard, _ catalog: URL, into out: URL) throws {
        let output = try ShardTable.open(out, shard: shard, input: catalog.path, classNames: Self.classes, force: true)
        let source = try CatalogueRows(catalog: catalog, images: try fixture().folder, imageColumn: "file", shard: shard)
        var prediction = try ShardPrediction(members: [.init(trained: trained())])
        prediction.batchSize = 16
        _ = try prediction.run(source, into: output)
        try ShardTable.finish(out)
    }

    @Test func labelIsTheClassNameAndEveryClassHasItsProbability() throws {
        let f = try fixture()
        let catalog = try f.catalogue(rows: 120, name: "three.csv")
        let whole = f.folder.appendingPathComponent("three-whole.csv")
        try predict(.whole, catalog, into: whole)
        let rows = try lines(whole).dropLast()
        #expect(rows[0] == "row,id,ra,dec,label,spread,p_elliptical,p_spiral,p_star,status,problem")
        // What `evaluate --predictions` gives for the same cutouts, through `predict(...)`.
        let trained = try trained()
        var checked = 0, missing = 0
        for line in rows.dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            guard cells[9] == "ok" else {  // (the problem, last, may hold quoted commas)
                missing += 1
                #expect(cells[4...8].allSatisfy { $0.isEmpty }, "\(line)")
                continue
            }
            #expect(cells.count == 11, "\(line)")
            let p = cells[6...8].map { Double($0)! }
            #expect(abs(p.reduce(0, +) - 1) < 1e-5)
            #expect(cells[4] == Substring(Self.classes[mostProbable(p)]))
            if checked < 8 {
                let row = Int(cells[0])!
                let file = f.files[row % f.files.count]
                let object = PreparedObject(id: "x", source: "catalog", ra: 0, dec: 0, label: 0, split: .holdout,
                                            image: f.folder.appendingPathComponent(file))
                let expected = try Training.predict(trained.model, on: SampleSet(objects: [object], preprocessing: trained.preprocessing),
                                                    preprocessing: trained.preprocessing)
                for c in 0..<3 { #expect(abs(expected.probabilities[0][c] - p[c]) < 1e-5, "row \(row) class \(c)") }
                checked += 1
            }
        }
        #expect(checked == 8 && missing > 0)

        // Two shards merge to the whole table, and to a FITS table with the same columns.
        let halves = (1...2).map { f.folder.appendingPathComponent("three-\($0).csv") }
        for (k, half) in halves.enumerated() { try predict(Shard(index: k + 1, count: 2), catalog, into: half) }
        let merged = f.folder.appendingPathComponent("three-merged.csv")
        _ = try mergeShards(halves, into: merged)
        let (mergedText, wholeText) = (try String(contentsOf: merged, encoding: .utf8), try String(contentsOf: whole, encoding: .utf8))
        #expect(mergedText == wholeText)
        let fits = f.folder.appendingPathComponent("three.fits")
        try predict(.whole, catalog, into: fits)
        let table = try ShardTable.read(ShardTable.streamURL(for: fits))
        #expect(table.columns.map(\.name) == ["row", "id", "ra", "dec", "label", "spread", "p_elliptical", "p_spiral", "p_star", "status", "problem"])
        #expect(FileManager.default.fileExists(atPath: fits.path))
    }

    @Test func anOutputOfOtherClassesIsNotResumedNorMerged() throws {
        let f = try fixture()
        let catalog = try f.catalogue(rows: 120, name: "three.csv")
        // Begun (and killed) by the membership run, then resumed with the three-class run: refused.
        let out = f.folder.appendingPathComponent("begun.csv")
        #expect(throws: Interrupted.Killed.self) { try f.predictShard(.whole, catalog: catalog, out: out, stopAfter: 40) }
        #expect(throws: ShardError.self) {
            _ = try ShardOutput(out, shard: .whole, input: catalog.path, classNames: Self.classes, force: false)
        }
        // Shard 1 by the membership run, shard 2 by the three-class run: not one table.
        let one = f.folder.appendingPathComponent("mixed-1.csv"), two = f.folder.appendingPathComponent("mixed-2.csv")
        try f.predictShard(Shard(index: 1, count: 2), catalog: catalog, out: one)
        try predict(Shard(index: 2, count: 2), catalog, into: two)
        let merged = f.folder.appendingPathComponent("mixed.csv")
        #expect(throws: ShardError.self) { _ = try mergeShards([one, two], into: merged) }
        #expect(!FileManager.default.fileExists(atPath: merged.path))
        // An ensemble of runs with other classes is refused.
        #expect(throws: ShardError.self) { _ = try ShardPrediction(members: [.init(trained: trained()), .init(trained: f.trained())]) }
    }
}
