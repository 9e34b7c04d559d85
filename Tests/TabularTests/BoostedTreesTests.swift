import Foundation
import Testing
import SeededRandom
@testable import Tabular

@Suite struct BoostedTreesTests {
    /// XOR of two features: no linear model separates it, a depth-2 tree does.
    func xor(_ n: Int, seed: UInt64) -> (rows: [[Double]], labels: [Int]) {
        var d = SeededGenerator(seed: seed)
        var rows: [[Double]] = [], labels: [Int] = []
        for _ in 0..<n {
            let a = d.uniform() - 0.5, b = d.uniform() - 0.5, noise = d.uniform()
            rows.append([a, b, noise])
            labels.append((a > 0) != (b > 0) ? 1 : 0)
        }
        return (rows, labels)
    }

    @Test func learnsANonlinearRuleThatALinearModelCannot() throws {
        let train = xor(1000, seed: 1), test = xor(500, seed: 2)
        var settings = BoostedTrees.Settings()
        settings.rounds = 100
        settings.learningRate = 0.2
        let trees = try BoostedTrees.fit(rows: train.rows, labels: train.labels, features: ["a", "b", "noise"], settings: settings)
        let linear = try LogisticRegression.fit(rows: train.rows, labels: train.labels)
        func accuracy(_ p: ([Double]) -> Double) -> Double {
            Double(zip(test.rows, test.labels).filter { (p($0) >= 0.5 ? 1 : 0) == $1 }.count) / Double(test.rows.count)
        }
        #expect(accuracy(trees.probability) > 0.95)
        #expect(accuracy(linear.probability) < 0.7)
    }

    @Test func missingValuesFollowTheLearnedSide() throws {
        // Members are the objects whose first feature is missing; the second is noise.
        var d = SeededGenerator(seed: 3)
        var rows: [[Double]] = [], labels: [Int] = []
        for i in 0..<400 {
            let member = i % 3 == 0
            rows.append([member ? .nan : d.uniform(), d.uniform()])
            labels.append(member ? 1 : 0)
        }
        var settings = BoostedTrees.Settings()
        settings.rounds = 20
        settings.learningRate = 0.5
        let trees = try BoostedTrees.fit(rows: rows, labels: labels, features: ["x", "noise"], settings: settings)
        #expect(trees.probability([.nan, 0.5]) > 0.9)
        #expect(trees.probability([0.5, 0.5]) < 0.1)
        #expect(trees.trees[0][0].feature == 0)
    }

    /// One round of depth 1 against a brute-force search over every threshold between distinct values: the same
    /// split and the same Newton leaf values, -lr * G / (H + lambda).
    @Test func aStumpMatchesABruteForceSearch() throws {
        var d = SeededGenerator(seed: 4)
        var rows: [[Double]] = [], labels: [Int] = []
        for _ in 0..<60 {
            let x = d.uniform(), y = d.uniform()
            rows.append([x, y])
            labels.append(x + 0.3 * d.uniform() > 0.6 ? 1 : 0)
        }
        var settings = BoostedTrees.Settings()
        settings.rounds = 1
        settings.maxDepth = 1
        settings.minLeaf = 5
        settings.bins = 254  // more bins than rows: every gap between distinct values is a candidate
        settings.balanced = false
        let trees = try BoostedTrees.fit(rows: rows, labels: labels, features: ["x", "y"], settings: settings)

        let positives = Double(labels.filter { $0 == 1 }.count), n = Double(labels.count)
        let p0 = positives / n
        let g = labels.map { p0 - Double($0) }, h = labels.map { _ in p0 * (1 - p0) }
        let lambda = settings.l2
        func score(_ idx: [Int]) -> Double {
            let gs = idx.map { g[$0] }.reduce(0, +), hs = idx.map { h[$0] }.reduce(0, +)
            return gs * gs / (hs + lambda)
        }
        var best = (gain: -Double.infinity, feature: -1, threshold: 0.0, left: [Int](), right: [Int]())
        for f in 0..<2 {
            let values = Set(rows.map { $0[f] }).sorted()
            for (a, b) in zip(values, values.dropFirst()) {
                let t = (a + b) / 2
                let left = rows.indices.filter { rows[$0][f] <= t }, right = rows.indices.filter { rows[$0][f] > t }
                guard left.count >= 5, right.count >= 5 else { continue }
                let gain = score(left) + score(right) - score(Array(rows.indices))
                if gain > best.gain { best = (gain, f, t, left, right) }
            }
        }
        let root = trees.trees[0][0]
        #expect(trees.baseScore == log(positives / (n - positives)))
        #expect(root.feature == best.feature)
        #expect(abs(root.threshold - best.threshold) < 1e-12)
        func leafValue(_ idx: [Int]) -> Double {
            -settings.learningRate * idx.map { g[$0] }.reduce(0, +) / (idx.map { h[$0] }.reduce(0, +) + lambda)
        }
        #expect(abs(trees.trees[0][root.left].value - leafValue(best.left)) < 1e-12)
        #expect(abs(trees.trees[0][root.right].value - leafValue(best.right)) < 1e-12)
    }

    @Test func savedModelsPredictTheSame() throws {
        let data = xor(300, seed: 5)
        var settings = BoostedTrees.Settings()
        settings.rounds = 10
        let trees = try BoostedTrees.fit(rows: data.rows, labels: data.labels, features: ["a", "b", "noise"], settings: settings)
        let back = try JSONDecoder().decode(BoostedTrees.self, from: JSONEncoder().encode(trees))
        #expect(back == trees)
        #expect(data.rows.allSatisfy { back.logit($0) == trees.logit($0) })
    }

    @Test func badInputIsRefusedWithAReason() {
        #expect(throws: TabularError.self) { try BoostedTrees.fit(rows: [[1], [2]], labels: [1, 1], features: ["x"]) }
        #expect(throws: TabularError.self) { try BoostedTrees.fit(rows: [[1], [2, 3]], labels: [0, 1], features: ["x"]) }
        #expect(throws: TabularError.self) { try BoostedTrees.fit(rows: [[1], [.infinity]], labels: [0, 1], features: ["x"]) }
    }
}

@Suite struct LogisticRegressionTests {
    /// With one binary input and no penalty the maximum-likelihood fit is known in closed form: the intercept is
    /// the log-odds where x = 0 and the coefficient the log odds ratio.
    @Test func matchesTheClosedFormForABinaryInput() throws {
        // x = 0: 30 positives of 100; x = 1: 80 of 100.
        var rows: [[Double]] = [], labels: [Int] = []
        for i in 0..<100 { rows.append([0]); labels.append(i < 30 ? 1 : 0) }
        for i in 0..<100 { rows.append([1]); labels.append(i < 80 ? 1 : 0) }
        let fit = try LogisticRegression.fit(rows: rows, labels: labels, balanced: false, l2: 0)
        #expect(abs(fit.intercept - log(30.0 / 70)) < 1e-9)
        #expect(abs(fit.coefficients[0] - (log(80.0 / 20) - log(30.0 / 70))) < 1e-9)
    }

    @Test func balancedWeightsPutTheBoundaryBetweenTheClasses() throws {
        // 10 positives at x = 1, 90 negatives at x = -1: balanced weights make the classes count equally, so the
        // boundary sits at x = 0 (no intercept).
        let rows = (0..<100).map { [$0 < 10 ? 1.0 : -1.0] }, labels = (0..<100).map { $0 < 10 ? 1 : 0 }
        let fit = try LogisticRegression.fit(rows: rows, labels: labels, balanced: true, l2: 1e-2)
        #expect(abs(fit.intercept) < 1e-9)
        #expect(fit.coefficients[0] > 0)
    }

    @Test func collinearInputsAreRefused() {
        #expect(throws: TabularError.self) {
            try LogisticRegression.fit(rows: [[1, 1], [1, 1], [1, 1]], labels: [0, 1, 0], l2: 0)
        }
    }
}
