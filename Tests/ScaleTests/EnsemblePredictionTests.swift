import Foundation
import Testing
import Training
@testable import Scale

/// `perseus predict --run A --run B`: the members' probabilities (each at its own temperature) are averaged and
/// their spread reported, as `evaluate` does for an ensemble.
@Suite(.serialized) struct EnsemblePredictionTests {
    @Test func membersAreAveragedAtTheirOwnTemperatures() throws {
        let f = try fixture()
        let catalog = try f.catalogue(rows: 60, name: "ensemble.csv")
        func run(_ members: [ShardPrediction.Member], _ name: String) throws -> [(p: Double, spread: Double)] {
            let out = f.folder.appendingPathComponent(name)
            let output = try ShardOutput(out, shard: .whole, input: catalog.path, force: true)
            let source = try CatalogueRows(catalog: catalog, images: f.folder, imageColumn: "file", shard: .whole)
            _ = try ShardPrediction(members: members).run(source, into: output)
            return try lines(out).dropFirst().dropLast().compactMap { line in
                let cells = line.split(separator: ",", omittingEmptySubsequences: false)
                guard cells[7] == "ok" else { return nil }
                return (Double(cells[4])!, Double(cells[5])!)
            }
        }
        let trained = try f.trained()
        let cool = try run([.init(trained: trained, temperature: 1)], "t1.csv")
        let warm = try run([.init(trained: trained, temperature: 3)], "t3.csv")
        let both = try run([.init(trained: trained, temperature: 1), .init(trained: trained, temperature: 3)], "both.csv")
        #expect(both.count == cool.count && cool.count > 50)
        // A higher temperature pulls probabilities towards 0.5 without changing the side.
        #expect(zip(cool, warm).allSatisfy { abs($1.p - 0.5) <= abs($0.p - 0.5) + 1e-6 })
        #expect(zip(cool, warm).contains { abs($1.p - $0.p) > 1e-3 })
        for (k, (a, b)) in zip(cool, warm).enumerated() {
            #expect(abs(both[k].p - (a.p + b.p) / 2) < 2e-6, "row \(k)")
            #expect(abs(both[k].spread - abs(a.p - b.p) / 2) < 2e-5, "row \(k)")
        }
    }
}
