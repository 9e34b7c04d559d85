import Foundation
import Testing
@testable import Tensor
import SeededRandom

/// bf16 and int8 inference convolutions (batch norm folded, residual and ReLU fused) against the slow fp32
/// reference, within what the formats can hold: bf16 keeps 8 bits of mantissa (relative error ~2^-9 per input,
/// averaging out over a sum); int8 has 255 (u8) or 254 (s8) steps over the calibrated input range and 254 per
/// output channel of weights.
struct ConvolutionPrecisionTests {
    struct Case {
        var x: Tensor, weight: Tensor, bias: Tensor, gamma: Tensor, beta: Tensor, mean: Tensor, variance: Tensor
        var residual: Tensor
    }

    func makeCase(nonNegative: Bool, seed: UInt64) -> Case {
        var x = randomTensor([2, 16, 9, 9], seed: seed)
        if nonNegative { x = Tensor(shape: x.shape, scalars: x.scalars.map { max($0, 0) }) }
        let positive = { (t: Tensor) in Tensor(shape: t.shape, scalars: t.scalars.map { abs($0) + 0.5 }) }
        return Case(x: x, weight: randomTensor([32, 16, 3, 3], seed: seed + 1).scaled(by: 0.2),
                    bias: randomTensor([32], seed: seed + 2), gamma: positive(randomTensor([32], seed: seed + 3)),
                    beta: randomTensor([32], seed: seed + 4), mean: randomTensor([32], seed: seed + 5),
                    variance: positive(randomTensor([32], seed: seed + 6)), residual: randomTensor([2, 32, 9, 9], seed: seed + 7))
    }

    /// relu(bn(conv(x)) + residual) from the naive convolution on the folded weights.
    func reference(_ c: Case) throws -> Tensor {
        let fold = try BatchNormFold(outChannels: 32, bias: c.bias, normWeight: c.gamma, normBias: c.beta,
                                     mean: c.mean, variance: c.variance, epsilon: 1e-5)
        let y = Reference.conv2d(c.x, fold.weight(c.weight), fold.bias, stride: 1, padding: 1)
        return Tensor(shape: y.shape, scalars: zip(y.scalars, c.residual.scalars).map { max($0 + $1, 0) })
    }

    func run(_ c: Case, _ precision: ConvolutionPrecision) throws -> Tensor {
        try LayoutOps.conv2dBatchNormInference(
            LayoutTensor(c.x), weight: c.weight, bias: c.bias, stride: 1, padding: 1, normWeight: c.gamma,
            normBias: c.beta, mean: c.mean, variance: c.variance, epsilon: 1e-5, accumulate: LayoutTensor(c.residual),
            relu: true, precision: precision).plain()
    }

    @Test(arguments: [false, true])
    func bf16MatchesTheReference(nonNegative: Bool) throws {
        let c = makeCase(nonNegative: nonNegative, seed: 40)
        let expected = try reference(c)
        #expect(maxRelativeDifference(try run(c, .fp32), expected) < 1e-5)
        let error = maxRelativeDifference(try run(c, .bf16), expected)
        #expect(error < 0.01 && error > 0, "bf16: \(error)")
    }

    @Test(arguments: [false, true])
    func int8MatchesTheReference(nonNegative: Bool) throws {
        let c = makeCase(nonNegative: nonNegative, seed: 50)
        let range = LayoutTensor(c.x).int8Range
        #expect(range.nonNegative == nonNegative)
        let error = maxRelativeDifference(try run(c, .int8(range)), try reference(c))
        #expect(error < 0.03 && error > 0, "int8 (\(nonNegative ? "u8" : "s8") input): \(error)")
    }

    @Test func int8RangeAndScales() {
        let x = LayoutTensor(Tensor(shape: [1, 2, 1, 2], scalars: [0.5, -3, 2, 1]))
        #expect(x.int8Range == Int8Range(maximum: 3, nonNegative: false))
        #expect(Int8Range(maximum: 3, nonNegative: false).scale == Float(127) / 3)
        #expect(Int8Range(maximum: 2, nonNegative: true).scale == Float(255) / 2)
        let w = Tensor(shape: [2, 1, 1, 2], scalars: [0.5, -2, 0, 0])
        #expect(int8Scales(perOutputChannel: w) == [Float(127) / 2, 1])
    }
}
