import Dataset
import Files
import Foundation
import Tabular
import Testing
@testable import Runs
@testable import Training

/// `perseus evaluate` prints the network alone beside a combined model, with magnitude bins, in text and JSON.
@Suite struct NetworkAloneTests {
    func objects() -> [PreparedObject] {
        (0..<8).map { i in
            PreparedObject(id: "o\(i)", source: "catalog", ra: 0, dec: 0, magnitude: i < 4 ? 18 : 21, label: i % 2, split: .test,
                           image: URL(fileURLWithPath: "/nonexistent.png"))
        }
    }

    func judged(_ probabilities: [Double]) throws -> RunEvaluation {
        let o = objects()
        let p = Predictions(ids: o.map(\.id), labels: o.map(\.label), memberProbability: probabilities,
                            spread: probabilities.map { _ in 0 }, loss: 0)
        return try RunEvaluation(predictions: p, objects: o, reference: o)
    }

    @Test func theComparisonShowsBothHeadlines() throws {
        // Combined: every object right. Alone: the faint members (o5, o7) missed.
        let combined = try judged([0.1, 0.9, 0.1, 0.9, 0.1, 0.9, 0.1, 0.9])
        let alone = try judged([0.1, 0.9, 0.1, 0.9, 0.1, 0.2, 0.1, 0.3])
        #expect(alone.headline.map(\.name) == ["accuracy", "balanced accuracy", "member F1"])
        #expect(alone.headline.map(\.value) == [0.75, 0.75, 2.0 / 3.0])
        let lines = RunEvaluation.comparison(combined: combined, networkAlone: alone)
        #expect(lines[2].contains("network + catalogue") && lines[2].contains("1.000"))
        #expect(lines[3].contains("network alone") && lines[3].contains("0.750") && lines[3].contains("0.667"))
        // The faint bin shows where the members were lost; the bright one is untouched.
        #expect(alone.magnitudeBins[0].recall == 1 && alone.magnitudeBins[2].recall == 0)
        #expect(alone.text.contains("members by r magnitude") && alone.json.contains("\"magnitude_bins\": [{\"bin\": \"r <= 19.4\""))
    }

    /// `predictRuns` gives the network alone from the same runs when a catalogue model was combined in: the same
    /// figures as asking for the network alone, with the temperature the combiner leaves out applied.
    @Test func predictRunsGivesTheNetworkAloneBesideACatalogueModel() throws {
        let work = try TinyRun.folder("network-alone")
        defer { try? FileManager.default.removeItem(at: work) }
        let dataset = try TinyRun.dataset(in: work)
        let configuration = TinyRun.configuration(epochs: 1)
        let run = try TinyRun.trainedRun(configuration, on: dataset, in: work)
        var settings = BoostedTrees.Settings()
        settings.rounds = 3
        settings.minLeaf = 2
        let trees = try BoostedTrees.fit(rows: (0..<20).map { [16 + Double($0 % 7), Double($0) / 5] }, labels: (0..<20).map { $0 % 2 },
                                         features: ["magnitude", "size"], settings: settings)
        try CatalogueModel(features: ["magnitude", "size"], trees: trees, combiner: LogisticRegression(coefficients: [0.5, 2], intercept: -0.25))
            .save(in: run)
        // A magnitude and a parameter, so that the catalogue model covers every object.
        let objects = dataset.objects(in: .validation).enumerated().map { i, object in
            var object = object
            object.magnitude = 16 + Double(i % 7)
            object.parameters = ["size": Double(i) / 2]
            return object
        }
        for calibrated in [false, true] {
            if calibrated {
                var calibration = try RunCalibration.fit(try predictRuns([run.url.path], objects: objects, tta: false, calibrated: false,
                                                                         catalogue: false).predictions,
                                                         split: "validation", checkpoint: "best.safetensors")
                calibration.temperature = 3  // far from 1, so leaving it out or not shows
                try calibration.save(run: run)
            }
            let both = try predictRuns([run.url.path], objects: objects, tta: false, calibrated: calibrated)
            let alone = try predictRuns([run.url.path], objects: objects, tta: false, calibrated: calibrated, catalogue: false)
            let networkAlone = try #require(both.networkAlone, "a catalogue model was combined in")
            #expect(networkAlone.memberProbability == alone.predictions.memberProbability)
            #expect(alone.networkAlone == nil, "no catalogue model, nothing beside")
            #expect(both.predictions.memberProbability != networkAlone.memberProbability)
        }
    }
}

