import Testing
@testable import Tensor
import SeededRandom

@Suite struct TensorBasics {
    @Test func shapesAndIndexing() throws {
        var t = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(t[1, 2] == 6)
        t[0, 1] = 9
        #expect(t.scalars == [1, 9, 3, 4, 5, 6])
        #expect(t.strides == [3, 1])
        #expect(try t.reshaped([3, 2]).shape == [3, 2])
        #expect(throws: EngineError.self) { try t.reshaped([4, 2]) }
    }

    @Test func seededGeneratorIsDeterministic() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42)
        let x = Tensor.normal([1000], using: &a), y = Tensor.normal([1000], using: &b)
        #expect(x == y)
        let mean = x.scalars.reduce(0, +) / 1000
        let variance = x.scalars.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 1000
        #expect(abs(mean) < 0.1 && abs(variance - 1) < 0.15)
    }

    @Test func parallelForEachCoversEveryIndexOnce() {
        let n = 100_003
        var hits = [Int32](repeating: 0, count: n)
        hits.withUnsafeMutableBufferPointer { h in
            Parallel.forEach(n) { range in for i in range { h[i] += 1 } }
        }
        #expect(hits.allSatisfy { $0 == 1 })
    }

    /// The threaded, lane-wise sum of squares against a plain double sum, across sizes with and without tails.
    @Test(arguments: [0, 5, 16, 4099, 1_000_003]) func sumOfSquaresMatchesThePlainSum(count: Int) {
        let t = randomTensor([count], seed: UInt64(count) + 1)
        let plain = t.scalars.reduce(0.0) { $0 + Double($1) * Double($1) }
        #expect(abs(t.sumOfSquares - plain) <= 1e-6 * max(plain, 1), "\(t.sumOfSquares) vs \(plain)")
    }
}
