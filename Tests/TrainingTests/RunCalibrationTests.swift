import Foundation
import Tensor
import Testing
@testable import Runs
@testable import Training
import SeededRandom

@Suite struct RunCalibrationTests {
    @Test func ensembleAveragesProbabilitiesAndCombinesSpreads() throws {
        let a = Predictions(ids: ["x", "y"], labels: [1, 0], memberProbability: [0.9, 0.2], spread: [0.1, 0], loss: 0,
                            logits: [[0, 2], [1, 0]])
        let b = Predictions(ids: ["x", "y"], labels: [1, 0], memberProbability: [0.7, 0.4], spread: [0.1, 0], loss: 0,
                            logits: [[0, 1], [0, 0]])
        let e = try ensemble([a, b])
        #expect(abs(e.memberProbability[0] - 0.8) < 1e-12 && abs(e.memberProbability[1] - 0.3) < 1e-12)
        // Object x: each member spreads 0.1 around 0.9 and 0.7: the pooled values have variance 0.01 + 0.01.
        #expect(abs(e.spread[0] - 0.02.squareRoot()) < 1e-12)
        #expect(abs(e.spread[1] - 0.1) < 1e-12)
        #expect(e.logits == [[0, 1.5], [0.5, 0]])
        #expect(abs(e.loss - (-(log(0.8) + log(0.7)) / 2)) < 1e-12)
        let other = Predictions(ids: ["x", "z"], labels: [1, 0], memberProbability: [0.5, 0.5], spread: [0, 0], loss: 0)
        #expect { try ensemble([a, other]) } throws: { "\($0)".contains("other objects") }
    }

    @Test func temperatureFittedOnOverconfidentLogitsIsSavedAndReadBack() throws {
        // Logits three times too large: labels drawn from softmax(z / 3); the fitted temperature is about 3.
        var rng = SeededGenerator(seed: 21)
        var logits: [[Double]] = [], labels: [Int] = []
        for _ in 0..<4000 {
            let margin = Double.random(in: -12...12, using: &rng)
            let p = 1 / (1 + exp(-margin / 3))
            logits.append([0, margin])
            labels.append(Double.random(in: 0..<1, using: &rng) < p ? 1 : 0)
        }
        let p = logits.map { 1 / (1 + exp(-$0[1])) }
        let predictions = Predictions(ids: labels.indices.map(String.init), labels: labels, memberProbability: p,
                                      spread: p.map { _ in 0 }, loss: 0, logits: logits)
        let calibration = try RunCalibration.fit(predictions, split: "validation", checkpoint: "best.safetensors")
        #expect(abs(calibration.temperature - 3) < 0.4, "temperature \(calibration.temperature)")
        #expect(calibration.eceAfter < calibration.eceBefore && calibration.nllAfter < calibration.nllBefore)

        let url = FileManager.default.temporaryDirectory.appendingPathComponent("perseus-cal-\(UUID())")
        defer { try? FileManager.default.removeItem(at: url) }
        let run = try RunFolder.create(at: url, force: false)
        #expect(try RunCalibration.load(run: run) == nil)
        try calibration.save(run: run)
        #expect(try RunCalibration.load(run: run) == calibration)
        try Data("{\"temperature\": -1}".utf8).write(to: run.calibration)
        #expect { try RunCalibration.load(run: run) } throws: { "\($0)".contains("calibration.json") }
    }
}
