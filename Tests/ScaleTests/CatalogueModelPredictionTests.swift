import Dataset
import Foundation
import Testing
import Runs
import Training
@testable import Scale

/// `perseus predict` over a catalogue combines the run's catalogue model in exactly as `evaluate` does: rows with a
/// parameter get the combined probability, rows without keep the network's.
@Suite(.serialized) struct CatalogueModelPredictionTests {
    @Test func rowsWithParametersGetTheCombinedProbability() throws {
        let f = try fixture()
        let catalog = try f.parameterCatalogue(rows: 40, name: "with-parameters.csv")
        let model = try Fixture.catalogueModel()

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
