import Foundation
import Testing
import Tensor
@testable import Autodiff
import SeededRandom

/// The operations a vision transformer adds: each forward against a slow Double reference written from the
/// definition, and each backward against central finite differences (`gradientCheck`).
@Suite struct TransformerOpsTests {
    func normal(_ shape: [Int], seed: UInt64, std: Float = 1) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        return Tensor.normal(shape, std: std, using: &rng)
    }

    func maxDifference(_ a: Tensor, _ b: [Double]) -> Double {
        zip(a.scalars, b).map { abs(Double($0) - $1) }.max() ?? 0
    }

    // MARK: batched matmul

    @Test func batchedMatmulMatchesLoops() throws {
        let a = normal([3, 4, 5], seed: 1), b = normal([3, 5, 2], seed: 2)
        let c = try batchedMatmul(Variable(a), Variable(b)).value
        #expect(c.shape == [3, 4, 2])
        var reference: [Double] = []
        for i in 0..<3 { for r in 0..<4 { for col in 0..<2 {
            reference.append((0..<5).reduce(0.0) { $0 + Double(a[i, r, $1]) * Double(b[i, $1, col]) })
        } } }
        #expect(maxDifference(c, reference) < 1e-5)
    }

    @Test func batchedMatmulGradient() throws {
        let result = try gradientCheck([normal([2, 3, 4], seed: 3), normal([2, 4, 5], seed: 4)]) { v in
            try batchedMatmul(v[0], v[1])
        }
        #expect(result.maxError < 1e-3, "\(result)")
    }

    @Test func batchedMatmulShapeErrorsNameTheOp() {
        #expect(throws: EngineError.self) { try batchedMatmul(Variable(.zeros([2, 3, 4])), Variable(.zeros([2, 3, 4]))) }
        do { _ = try batchedMatmul(Variable(.zeros([2, 3, 4])), Variable(.zeros([1, 4, 4]))) } catch {
            #expect("\(error)".contains("batchedMatmul") && "\(error)".contains("[1, 4, 4]"))
        }
    }

    // MARK: reshape, permute, expand, concatenate, narrow

    @Test func permuteMatchesIndexing() throws {
        let x = normal([2, 3, 4, 5], seed: 5)
        let y = try permute(Variable(x), [2, 0, 3, 1]).value
        #expect(y.shape == [4, 2, 5, 3])
        var ok = true
        for a in 0..<2 { for b in 0..<3 { for c in 0..<4 { for d in 0..<5 where y[c, a, d, b] != x[a, b, c, d] { ok = false } } } }
        #expect(ok)
        #expect(throws: EngineError.self) { try permute(Variable(x), [0, 1, 1, 2]) }
    }

    @Test func permuteAndReshapeGradient() throws {
        let result = try gradientCheck([normal([2, 3, 4], seed: 6)]) { v in
            try reshape(try permute(v[0], [1, 2, 0]), [3, 8])
        }
        #expect(result.maxError < 1e-3, "\(result)")
    }

    @Test func expandRepeatsAndSumsBack() throws {
        let p = normal([1, 3, 2], seed: 7)
        let y = try expand(Variable(p), to: [4, 3, 2]).value
        var ok = true
        for n in 0..<4 { for s in 0..<3 { for d in 0..<2 where y[n, s, d] != p[0, s, d] { ok = false } } }
        #expect(ok)
        let lead = try expand(Variable(Tensor(shape: [2], scalars: [1, 2])), to: [3, 2]).value
        #expect(lead.scalars == [1, 2, 1, 2, 1, 2])
        let result = try gradientCheck([normal([3, 1, 2], seed: 8)]) { v in try expand(v[0], to: [2, 3, 4, 2]) }
        #expect(result.maxError < 1e-3, "\(result)")
        #expect(throws: EngineError.self) { try expand(Variable(p), to: [4, 2, 2]) }
    }

    @Test func concatenateAndNarrow() throws {
        let a = normal([2, 1, 3], seed: 9), b = normal([2, 4, 3], seed: 10)
        let c = try concatenate([Variable(a), Variable(b)], axis: 1).value
        #expect(c.shape == [2, 5, 3])
        var ok = true
        for n in 0..<2 { for d in 0..<3 {
            if c[n, 0, d] != a[n, 0, d] { ok = false }
            for s in 0..<4 where c[n, s + 1, d] != b[n, s, d] { ok = false }
        } }
        #expect(ok)
        let back = try narrow(Variable(c), axis: 1, start: 1, length: 4).value
        #expect(back == b)
        let gc = try gradientCheck([a, b]) { v in try concatenate([v[0], v[1]], axis: 1) }
        #expect(gc.maxError < 1e-3, "\(gc)")
        let gn = try gradientCheck([b]) { v in try narrow(v[0], axis: 2, start: 1, length: 2) }
        #expect(gn.maxError < 1e-3, "\(gn)")
        #expect(throws: EngineError.self) { try concatenate([Variable(a), Variable(b)], axis: 2) }
        #expect(throws: EngineError.self) { try narrow(Variable(b), axis: 1, start: 3, length: 2) }
    }

    // MARK: softmax, layer norm, GELU, scale

    @Test func softmaxMatchesDefinition() throws {
        let x = normal([2, 3, 5], seed: 11, std: 3)
        let y = try softmax(Variable(x)).value
        var reference: [Double] = []
        for r in 0..<6 {
            let row = (0..<5).map { Double(x.scalars[r * 5 + $0]) }
            let total = row.map { exp($0) }.reduce(0, +)
            reference += row.map { exp($0) / total }
        }
        #expect(maxDifference(y, reference) < 1e-6)
        let result = try gradientCheck([x], epsilon: 1e-2) { v in try softmax(v[0]) }
        #expect(result.maxError < 1e-3, "\(result)")
    }

    @Test func layerNormMatchesDefinition() throws {
        let x = normal([2, 3, 6], seed: 12, std: 2), w = normal([6], seed: 13), b = normal([6], seed: 14)
        let y = try layerNorm(Variable(x), weight: Variable(w), bias: Variable(b), epsilon: 1e-6).value
        var reference: [Double] = []
        for r in 0..<6 {
            let row = (0..<6).map { Double(x.scalars[r * 6 + $0]) }
            let mean = row.reduce(0, +) / 6
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 6
            reference += row.enumerated().map { j, v in
                (v - mean) / (variance + 1e-6).squareRoot() * Double(w.scalars[j]) + Double(b.scalars[j])
            }
        }
        #expect(maxDifference(y, reference) < 1e-5)
        let result = try gradientCheck([x, w, b], epsilon: 1e-2) { v in try layerNorm(v[0], weight: v[1], bias: v[2]) }
        #expect(result.maxError < 3e-3, "\(result)")
        #expect(throws: EngineError.self) { try layerNorm(Variable(x), weight: Variable(.ones([5])), bias: Variable(b)) }
    }

    @Test func geluIsTheErfForm() throws {
        let x = normal([4, 7], seed: 15, std: 2)
        let y = gelu(Variable(x)).value
        // Φ from the complementary error function in Double.
        let reference = x.scalars.map { v in Double(v) * 0.5 * erfc(-Double(v) / 2.0.squareRoot()) }
        #expect(maxDifference(y, reference) < 1e-6)
        // torch.nn.GELU()(torch.tensor([1.0, -0.5])) = [0.8413, -0.1543] (the tanh form gives 0.8412 and -0.1543).
        let known = gelu(Variable(Tensor(shape: [2], scalars: [1, -0.5]))).value
        #expect(abs(known.scalars[0] - 0.8413447) < 1e-6 && abs(known.scalars[1] + 0.15426877) < 1e-6)
        let result = try gradientCheck([x], epsilon: 1e-2) { v in gelu(v[0]) }
        #expect(result.maxError < 1e-3, "\(result)")
    }

    @Test func scaleGradient() throws {
        let result = try gradientCheck([normal([3, 4], seed: 16)]) { v in v[0] * 0.37 }
        #expect(result.maxError < 1e-3, "\(result)")
    }

    /// One attention head's worth of the ops in sequence, as a transformer block uses them.
    @Test func composedAttention() throws {
        let x = normal([2, 3, 4], seed: 17), wq = normal([4, 4], seed: 18, std: 0.5), wk = normal([4, 4], seed: 19, std: 0.5)
        let result = try gradientCheck([x, wq, wk], epsilon: 5e-3, maxElements: 32) { v in
            let flat = try reshape(v[0], [6, 4])
            let q = try reshape(try linear(flat, weight: v[1]), [2, 3, 4]), k = try reshape(try linear(flat, weight: v[2]), [2, 3, 4])
            let attention = try softmax(try batchedMatmul(q, try permute(k, [0, 2, 1])) * 0.5)
            return gelu(try batchedMatmul(attention, v[0]))
        }
        #expect(result.maxError < 5e-3, "\(result)")
    }
}
