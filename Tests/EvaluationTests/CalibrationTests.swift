// Calibration error and temperature scaling on a deliberately over-confident set.
import Foundation
import Testing
@testable import Evaluation
import SeededRandom

@Suite struct CalibrationTests {
    /// Labels drawn from softmax(z) (so z is calibrated), logits reported as `factor * z` (over-confident for
    /// factor > 1).
    static func overConfident(factor: Double, count: Int = 3000, seed: UInt64 = 3) -> (logits: [[Double]], labels: [Int]) {
        var rng = SeededGenerator(seed: seed)
        var logits: [[Double]] = [], labels: [Int] = []
        for _ in 0..<count {
            let z = [0.0, 1.5 * rng.normal()]
            let p1 = softmax(z)[1]
            labels.append(rng.uniform() < p1 ? 1 : 0)
            logits.append(z.map { $0 * factor })
        }
        return (logits, labels)
    }

    @Test func temperatureRecoversTheOverconfidenceAndLowersNLLAndECE() throws {
        let (logits, labels) = Self.overConfident(factor: 4)
        let scaling = try TemperatureScaling.fit(logits: logits, labels: labels)
        #expect(abs(scaling.temperature - 4) < 0.5, "T = \(scaling.temperature)")
        let before = try negativeLogLikelihood(logits: logits, labels: labels)
        let after = try negativeLogLikelihood(logits: scaling.apply(logits: logits), labels: labels)
        #expect(after < before - 0.1, "NLL \(before) -> \(after)")
        let eceBefore = try Calibration(logits: logits, labels: labels).expectedCalibrationError
        let eceAfter = try Calibration(probabilities: scaling.probabilities(logits: logits), labels: labels).expectedCalibrationError
        #expect(eceBefore > 0.1, "ECE before \(eceBefore)")
        #expect(eceAfter < eceBefore / 3, "ECE \(eceBefore) -> \(eceAfter)")
    }

    @Test func fittedTemperatureIsTheNLLMinimum() throws {
        let (logits, labels) = Self.overConfident(factor: 2, count: 500)
        let t = try TemperatureScaling.fit(logits: logits, labels: labels).temperature
        let best = try negativeLogLikelihood(logits: logits, labels: labels, temperature: t)
        for nearby in [t * 0.97, t * 1.03] {
            #expect(try negativeLogLikelihood(logits: logits, labels: labels, temperature: nearby) > best)
        }
    }

    @Test func binsByHandOnASmallSet() throws {
        // Confidences 0.95 (right), 0.85 (wrong), 0.55 (right), 0.65 (right) in 10 bins.
        let probabilities = [[0.05, 0.95], [0.85, 0.15], [0.45, 0.55], [0.65, 0.35]]
        let c = try Calibration(probabilities: probabilities, labels: [1, 1, 1, 0], binCount: 10)
        #expect(c.bins.count == 10)
        #expect(c.bins.map(\.count) == [0, 0, 0, 0, 0, 1, 1, 0, 1, 1])
        #expect(c.bins[8].accuracy == 0)
        #expect(abs(c.bins[8].meanConfidence - 0.85) < 1e-12)
        let gaps: [Double] = [1 - 0.95, 0.85, 1 - 0.55, 1 - 0.65]  // |accuracy - confidence| per object
        let expected = gaps.reduce(0, +) / 4
        #expect(abs(c.expectedCalibrationError - expected) < 1e-12)
        #expect(abs(c.maximumCalibrationError - 0.85) < 1e-12)
    }

    @Test func negativeLogLikelihoodByHand() throws {
        let nll = try negativeLogLikelihood(logits: [[0, log(3)]], labels: [1])  // p = 3/4
        #expect(abs(nll - -log(0.75)) < 1e-12)
        #expect(throws: EvaluationError.self) { try negativeLogLikelihood(logits: [[0, 1]], labels: [2]) }
    }
}
