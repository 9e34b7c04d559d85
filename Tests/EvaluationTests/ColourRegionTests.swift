// The red-sequence fit and the colour regions on generated colour-magnitude data.
import Foundation
import Testing
@testable import Evaluation
import SeededRandom

@Suite struct ColourRegionTests {
    /// A red sequence g-z = 1.45 - 0.04 (r - 17) with 0.05 mag scatter, a blue cloud below it and a few
    /// very red outliers.
    static func field(seed: UInt64) -> (r: [Double], gz: [Double], isSequence: [Bool]) {
        var rng = SeededGenerator(seed: seed)
        var r: [Double] = [], gz: [Double] = [], isSequence: [Bool] = []
        for _ in 0..<300 {
            let m = 14 + 5 * rng.uniform()
            r.append(m); gz.append(1.45 - 0.04 * (m - 17) + 0.05 * rng.normal()); isSequence.append(true)
        }
        for _ in 0..<120 {  // blue cloud, more of it at faint magnitudes
            let m = 15.5 + 3.5 * rng.uniform()
            r.append(m); gz.append(0.75 + 0.15 * rng.normal()); isSequence.append(false)
        }
        for _ in 0..<12 {
            let m = 14 + 5 * rng.uniform()
            r.append(m); gz.append(2.3 + 0.3 * rng.uniform()); isSequence.append(false)
        }
        return (r, gz, isSequence)
    }

    @Test func fitRecoversTheSlopeDespiteBlueCloudAndOutliers() throws {
        let (r, gz, isSequence) = Self.field(seed: 11)
        let fit = try RedSequence.fit(magnitude: r, colour: gz)
        #expect(abs(fit.slope - -0.04) < 0.008, "slope \(fit.slope)")
        #expect(abs(fit.colour(atMagnitude: 17) - 1.45) < 0.015, "colour at r=17: \(fit.colour(atMagnitude: 17))")
        #expect(abs(fit.scatter - 0.05) < 0.01, "scatter \(fit.scatter)")
        // The contamination is gone from the kept set.
        let keptContaminants = zip(fit.kept, isSequence).filter { $0 && !$1 }.count
        #expect(keptContaminants < 6, "\(keptContaminants) contaminants kept")
        // Without clipping the same data give a badly biased line: the test can tell the difference.
        let plain = try RedSequence.fit(magnitude: r, colour: gz, options: .init(maxIterations: 1))
        #expect(abs(plain.colour(atMagnitude: 17) - 1.45) > 0.1)
    }

    @Test func regionsFollowTheOffsetsInScatters() {
        let sequence = RedSequence(slope: -0.04, intercept: 1.4, pivot: 17, scatter: 0.05)
        let b = ColourRegionBoundaries(redSequenceBelow: 2, blueCloudBelow: 5)
        #expect(sequence.region(magnitude: 17, colour: 1.5, boundaries: b) == .redSequence)
        #expect(sequence.region(magnitude: 17, colour: 1.31, boundaries: b) == .redSequence)    // -1.8 sigma
        #expect(sequence.region(magnitude: 17, colour: 1.29, boundaries: b) == .greenValley)    // -2.2 sigma
        #expect(sequence.region(magnitude: 17, colour: 1.16, boundaries: b) == .greenValley)    // -4.8 sigma
        #expect(sequence.region(magnitude: 17, colour: 1.14, boundaries: b) == .blueCloud)      // -5.2 sigma
        #expect(sequence.region(magnitude: 19, colour: 1.21, boundaries: b) == .greenValley)    // line at 1.32
        #expect(abs(b.lowerEdge(of: .greenValley, sequence: sequence, magnitude: 17) - 1.15) < 1e-12)
    }

    @Test func metricsPerRegionPartitionTheObjects() throws {
        let (r, gz, isSequence) = Self.field(seed: 5)
        let truth = isSequence.map { $0 ? 1 : 0 }
        let predicted = truth.enumerated().map { $0.offset % 7 == 0 ? 1 - $0.element : $0.element }
        let fit = try RedSequence.fit(magnitude: r, colour: gz)
        let regions = try evaluateByColourRegion(magnitude: r, colour: gz, truth: truth, predicted: predicted, sequence: fit)
        #expect(regions.map(\.region) == [.blueCloud, .greenValley, .redSequence])
        #expect(regions.map(\.members.count).reduce(0, +) == r.count)
        #expect(Set(regions.flatMap(\.members)).count == r.count)
        for region in regions {
            let expected = try ConfusionMatrix(truth: region.members.map { truth[$0] },
                                               predicted: region.members.map { predicted[$0] })
            #expect(region.report.confusion == expected)
        }
        // Most generated sequence galaxies land in the red-sequence region.
        let red = regions[2].members
        #expect(Double(red.filter { isSequence[$0] }.count) / 300 > 0.9)
    }

    @Test func tooFewObjectsIsAnError() {
        #expect(throws: EvaluationError.self) { try RedSequence.fit(magnitude: [1, 2], colour: [1, 1]) }
        #expect(throws: EvaluationError.self) { try RedSequence.fit(magnitude: [1, 2, 3], colour: [1, 1]) }
    }
}

@Suite struct SummaryTests {
    @Test func meanAndSampleStandardDeviation() {
        let s = MetricSummary([0.9, 0.95, 1.0])
        #expect(abs(s.mean - 0.95) < 1e-12)
        #expect(abs(s.standardDeviation - 0.05) < 1e-12)
        #expect(s.minimum == 0.9 && s.maximum == 1.0 && s.count == 3)
        #expect(MetricSummary([0.7]).standardDeviation == 0)
    }

    @Test func summarizeAcrossSeeds() throws {
        let runs = try [[0, 1, 1, 0], [0, 1, 0, 0], [1, 1, 1, 0]].map { predicted in
            try ClassificationReport(truth: [0, 1, 1, 0], predicted: predicted).flatMetrics
        }
        let summary = summarize(runs)
        #expect(abs(summary["accuracy"]!.mean - (1.0 + 0.75 + 0.75) / 3) < 1e-12)
        #expect(summary["accuracy"]!.count == 3)
        #expect(summary["1 recall"]!.minimum == 0.5)
    }
}
