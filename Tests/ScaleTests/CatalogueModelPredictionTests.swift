import Dataset
import Foundation
import Tabular
import Testing
import Runs
import Training
@testable import Scale

/// `perseus predict` over a catalogue combines the run's catalogue model in exactly as `evaluate` does: rows with a
/// parameter get the combined probability, rows without keep the network's.
@Suite(.serialized) struct CatalogueModelPredictionTests {
    @Test func rowsWithParametersGetTheCombinedProbability() throws {
        let f = try fixture()
        var text = "name,ra,dec,file,mag,size\n"
        for r in 0..<40 {
            text += "OBJ-\(r),\(Double(r) * 0.1),-30,\(f.files[r % f.files.count]),\(16 + Double(r % 7)),\(r % 2 == 0 ? String(Double(r) / 10) : "")\n"
        }
        let catalog = f.folder.appendingPathComponent("with-parameters.csv")
        try text.write(to: catalog, atomically: true, encoding: .utf8)

        var settings = BoostedTrees.Settings()
        settings.rounds = 5
        settings.minLeaf = 2
        let rows = (0..<20).map { [16 + Double($0 % 7), Double($0) / 5] }
        let trees = try BoostedTrees.fit(rows: rows, labels: (0..<20).map { $0 < 10 ? 0 : 1 }, features: ["magnitude", "size"], settings: settings)
        let model = CatalogueModel(features: ["magnitude", "size"], trees: trees,
                                   combiner: LogisticRegression(coefficients: [0.5, 2], intercept: -0.25))

        func run(_ model: CatalogueModel?, _ name: String) throws -> [Double] {
            var trained = try f.trained()
            trained.catalogueModel = model
            let out = f.folder.appendingPathComponent(name)
            let output = try ShardOutput(out, shard: .whole, input: catalog.path, force: true)
            let source = try CatalogueRows(catalog: catalog, images: f.folder, imageColumn: "file", shard: .whole,
                                           parameters: model?.parameterNames ?? [])
            _ = try ShardPrediction(trained: trained).run(source, into: output)
            return try lines(out).dropFirst().dropLast().map { Double($0.split(separator: ",", omittingEmptySubsequences: false)[4])! }
        }
        let network = try run(nil, "network.csv"), combined = try run(model, "combined.csv")
        for r in 0..<40 {
            if r % 2 == 0 {
                let object = PreparedObject(id: "OBJ-\(r)", source: "catalog", ra: 0, dec: 0, magnitude: 16 + Double(r % 7),
                                            label: 0, split: .holdout, image: catalog, parameters: ["size": Double(r) / 10])
                let expected = try #require(model.probability(network: network[r], object: object))
                #expect(abs(combined[r] - expected) < 1e-5, "row \(r)")
                #expect(combined[r] != network[r])
            } else {
                #expect(combined[r] == network[r], "row \(r)")
            }
        }
    }
}
