import Dataset
import Foundation
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
}
