import Dataset
import Foundation
import Tabular
import Tensor
import Testing
@testable import Runs
@testable import Training
import SeededRandom

@Suite struct CatalogueModelTests {
    /// Objects whose parameter `size` decides membership (members are large at every magnitude), with a second
    /// parameter missing for every third object; `noParameters` objects (like spectroscopic ones) have none.
    func objects(_ count: Int, split: SplitName, seed: UInt64, noParameters: Int = 0) -> [PreparedObject] {
        var rng = SeededGenerator(seed: seed)
        func draw() -> Double { Double(rng.nextUniform()) }
        return (0..<count).map { i in
            let label = i % 4 == 0 ? 1 : 0
            let size = Double(label) * 1.5 + draw()
            var parameters = ["size": size]
            if i % 3 != 0 { parameters["colour"] = draw() }
            return PreparedObject(id: "\(split.rawValue)\(i)", source: i < noParameters ? "spectra" : "catalog", ra: 0, dec: 0,
                                  magnitude: 16 + 6 * draw(), label: label, split: split,
                                  image: URL(fileURLWithPath: "/nonexistent.png"),
                                  parameters: i < noParameters ? [:] : parameters)
        }
    }

    /// A network that knows nothing: the same probability for every object.
    func uninformed(_ objects: [PreparedObject]) -> Predictions {
        let loss = objects.map { -log($0.label == 1 ? 0.3 : 0.7) }.reduce(0, +) / Double(objects.count)
        return Predictions(ids: objects.map(\.id), labels: objects.map(\.label),
                           memberProbability: objects.map { _ in 0.3 }, spread: objects.map { _ in 0 }, loss: loss)
    }

    @Test func theParametersCarryWhatTheNetworkMissed() throws {
        let train = objects(400, split: .train, seed: 1), validation = objects(200, split: .validation, seed: 2)
        let test = objects(200, split: .test, seed: 3, noParameters: 20)
        var settings = BoostedTrees.Settings()
        settings.rounds = 50
        let model = try CatalogueModel.fit(training: train, validation: validation, network: uninformed(validation),
                                           parameters: ["size", "colour"], settings: settings)
        let network = uninformed(test)
        let combined = model.apply(to: network, objects: test)
        #expect(try Scores(combined, subset: Array(20..<200)).balancedAccuracy > 0.95)
        #expect(model.combiner.coefficients[1] > 0)
        // Objects without parameters keep the network's probability.
        #expect((0..<20).allSatisfy { combined.memberProbability[$0] == network.memberProbability[$0] })
        #expect(model.covered(test) == 180)
        #expect(combined.loss < network.loss)
    }

    @Test func aSavedModelPredictsTheSame() throws {
        let folder = try TinyRun.folder("catalogue-model")
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try RunFolder.create(at: folder.appendingPathComponent("run"), force: false)
        #expect(try CatalogueModel.load(run: run) == nil)
        let train = objects(200, split: .train, seed: 4), validation = objects(100, split: .validation, seed: 5)
        var settings = BoostedTrees.Settings()
        settings.rounds = 10
        let model = try CatalogueModel.fit(training: train, validation: validation, network: uninformed(validation),
                                           parameters: ["size", "colour"], settings: settings)
        try model.save(in: run)
        let back = try #require(try CatalogueModel.load(run: run))
        let test = objects(50, split: .test, seed: 6)
        #expect(back.apply(to: uninformed(test), objects: test).memberProbability
                == model.apply(to: uninformed(test), objects: test).memberProbability)
    }

    /// The magnitude alone (what every survey measures) covers every object with a magnitude, spectroscopic ones too;
    /// the catalogue-only baseline judges every object, those without parameters on their magnitude.
    @Test func aMagnitudeOnlyModelAndTheCatalogueAloneJudgeEveryObject() throws {
        let train = objects(200, split: .train, seed: 11), validation = objects(100, split: .validation, seed: 12)
        var test = objects(60, split: .test, seed: 13, noParameters: 10)
        test[0].magnitude = nil
        var settings = BoostedTrees.Settings.catalogue
        settings.rounds = 10
        let magnitude = try CatalogueModel.fit(training: train, validation: validation, network: uninformed(validation),
                                               parameters: [], settings: settings)
        #expect(magnitude.features == ["magnitude"])
        #expect(magnitude.covered(test) == 59)
        let alone = try CatalogueModel.cataloguePredictions(training: train, objects: test, parameters: ["size", "colour"], settings: settings)
        #expect(alone.ids == test.map(\.id) && alone.memberProbability.allSatisfy { $0 > 0 && $0 < 1 })
        // `size` decides membership: the trees alone get the objects with parameters right.
        #expect(try Scores(alone, subset: Array(10..<60)).balancedAccuracy > 0.95)
    }

    @Test func aDatasetWithoutParametersIsRefusedWithAReason() throws {
        let train = objects(100, split: .train, seed: 7, noParameters: 100), validation = objects(50, split: .validation, seed: 8)
        #expect(throws: TabularError.self) {
            try CatalogueModel.fit(training: train, validation: validation, network: uninformed(validation), parameters: ["size"])
        }
    }
}
