// Metrics and reports against scikit-learn's values on fixed cases (SklearnCases.swift).
import Foundation
import Testing
@testable import Evaluation
import SeededRandom

@Suite struct ClassificationReportTests {
    @Test(arguments: SklearnCases.all)
    func textMatchesScikitLearn(_ c: SklearnCase) throws {
        let report = try ClassificationReport(truth: c.truth, predicted: c.predicted, classCount: c.classCount)
        #expect(report.text() == c.text)
    }

    @Test func namedThreeDigitTextMatchesScikitLearn() throws {
        let c = SklearnCases.binary
        let report = try ClassificationReport(truth: c.truth, predicted: c.predicted, classNames: c.names)
        #expect(report.text(digits: 3) == c.textNamed3Digits)
    }

    @Test(arguments: SklearnCases.all)
    func jsonMatchesScikitLearnOutputDict(_ c: SklearnCase) throws {
        let report = try ClassificationReport(truth: c.truth, predicted: c.predicted, classCount: c.classCount)
        #expect(report.json() == c.json)
    }

    @Test(arguments: SklearnCases.all)
    func balancedAccuracyMatchesScikitLearn(_ c: SklearnCase) throws {
        let matrix = try ConfusionMatrix(truth: c.truth, predicted: c.predicted, classCount: c.classCount)
        #expect(abs(matrix.balancedAccuracy - c.balancedAccuracy) < 1e-12)
    }

    @Test func binaryCountsUseMemberAsPositive() throws {
        let c = SklearnCases.binary
        let m = try ConfusionMatrix(truth: c.truth, predicted: c.predicted)
        // scikit-learn's confusion matrix is [[tn, fp], [fn, tp]].
        let counts = [m.trueNegatives, m.falsePositives, m.falseNegatives, m.truePositives]
        #expect(counts == [9, 3, 2, 9])
        #expect(m.total == c.truth.count)
    }

    @Test func classWithNoPredictionsHasZeroPrecisionAndF1() throws {
        let c = SklearnCases.noMemberPredicted
        let m = try ConfusionMatrix(truth: c.truth, predicted: c.predicted)
        #expect(m.precision(1) == 0)
        #expect(m.recall(1) == 0)
        #expect(m.f1(1) == 0)
        #expect(m.precision(0) == 4.0 / 7.0)
    }

    @Test func rowNormalisedRowsSumToOne() throws {
        let m = try ConfusionMatrix(counts: [[3, 1, 0], [1, 3, 0], [0, 0, 0]])
        #expect(m.rowNormalized[0] == [0.75, 0.25, 0])
        #expect(m.rowNormalized[2] == [0, 0, 0])
    }

    @Test func badInputIsAnErrorNamingTheRow() {
        #expect(throws: EvaluationError("ConfusionMatrix: row 1 has truth 2, predicted 0; labels must lie in 0..<2")) {
            try ConfusionMatrix(truth: [0, 2], predicted: [0, 0])
        }
        #expect(throws: EvaluationError.self) { try ConfusionMatrix(truth: [0, 1], predicted: [0]) }
        #expect(throws: EvaluationError.self) {
            try ClassificationReport(truth: [0, 1], predicted: [0, 1], classNames: ["only one"])
        }
    }

    @Test func flatMetricsCarryTheReportsNumbers() throws {
        let c = SklearnCases.binary
        let report = try ClassificationReport(truth: c.truth, predicted: c.predicted, classNames: c.names)
        let flat = report.flatMetrics
        #expect(flat["accuracy"] == report.accuracy)
        #expect(flat["member f1-score"] == report.perClass[1].f1)
        #expect(flat["macro avg recall"] == report.macroAverage.recall)
    }
}

@Suite struct ROCTests {
    @Test(arguments: SklearnCases.all.filter { $0.rocAUC != nil })
    func aucMatchesScikitLearnWithTies(_ c: SklearnCase) throws {
        let auc = try rocAUC(scores: try #require(c.scores), labels: c.truth)
        #expect(abs(auc - c.rocAUC!) < 1e-12)
    }

    /// The Mann-Whitney statistic by its definition: every positive-negative pair, ties one half.
    @Test func aucEqualsPairCountingReference() throws {
        var rng = SeededGenerator(seed: 7)
        let labels = (0..<200).map { _ in rng.next() % 3 == 0 ? 1 : 0 }
        let scores = labels.map { Double(rng.next() % 20) / 20 + Double($0) * 0.2 }  // coarse: many ties
        var wins = 0.0, pairs = 0.0
        for (sp, lp) in zip(scores, labels) where lp == 1 {
            for (sn, ln) in zip(scores, labels) where ln == 0 {
                pairs += 1
                wins += sp > sn ? 1 : sp == sn ? 0.5 : 0
            }
        }
        #expect(abs(try rocAUC(scores: scores, labels: labels) - wins / pairs) < 1e-12)
    }

    @Test func curveRunsFromOriginToOneOne() throws {
        let c = SklearnCases.binary
        let curve = try rocCurve(scores: c.scores!, labels: c.truth)
        #expect(curve.first.map { [$0.falsePositiveRate, $0.truePositiveRate] } == [0, 0])
        #expect(curve.last.map { [$0.falsePositiveRate, $0.truePositiveRate] } == [1, 1])
        // Trapezoids under the curve give the same area.
        var area = 0.0
        for (a, b) in zip(curve, curve.dropFirst()) {
            area += (b.falsePositiveRate - a.falsePositiveRate) * (a.truePositiveRate + b.truePositiveRate) / 2
        }
        #expect(abs(area - c.rocAUC!) < 1e-12)
    }

    @Test func oneClassOnlyIsAnError() {
        #expect(throws: EvaluationError.self) { try rocAUC(scores: [0.1, 0.2], labels: [1, 1]) }
    }
}

