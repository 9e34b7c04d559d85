import Testing
import Tensor
@testable import Autodiff
import SeededRandom

/// bf16 training (`EngineOptions.trainingPrecision`): every convolution's forward, input-gradient and
/// weight-gradient dot products in bfloat16 (8 bits of mantissa: relative error ~2^-9 per product, averaging out over
/// a sum), fp32 accumulation and fp32 gradients, against the same steps in fp32 (whose gradients the
/// finite-difference tests check).
@Suite struct BF16TrainingTests {
    /// Output, input gradient, weight gradient and bias gradient of conv2d, and the loss weighting the output.
    func convolution(_ precision: TrainingPrecision, stride: Int) throws -> [Tensor] {
        var rng = SeededGenerator(seed: 7)
        let x = Variable(Tensor.normal([2, 16, 9, 9], using: &rng), requiresGrad: true)
        let w = Variable(Tensor.normal([32, 16, 3, 3], using: &rng).scaled(by: 0.1), requiresGrad: true)
        let b = Variable(Tensor.normal([32], using: &rng), requiresGrad: true)
        let y = try EngineOptions.$trainingPrecision.withValue(precision) {
            try conv2d(x, weight: w, bias: b, stride: stride, padding: 1)
        }
        let output = y.value
        // An output gradient that varies across the output.
        try y.backward(seed: Tensor.normal(output.shape, using: &rng))
        return [output, x.grad!, w.grad!, b.grad!]
    }

    @Test(arguments: [1, 2]) func convolutionMatchesFP32(stride: Int) throws {
        let fp32 = try convolution(.fp32, stride: stride), bf16 = try convolution(.bf16, stride: stride)
        for (name, (a, b)) in zip(["output", "input gradient", "weight gradient", "bias gradient"], zip(bf16, fp32)) {
            let error = maxRelativeDifference(a, b)
            // The bias gradient sums the fp32 output gradient: exact in both.
            #expect(error < 0.02 && (name == "bias gradient" || error > 0), "\(name): \(error)")
        }
    }

    /// Outside training (no gradients recorded) the precision does not apply: evaluation stays fp32.
    @Test func evaluationStaysFP32() throws {
        var rng = SeededGenerator(seed: 8)
        let x = Variable(Tensor.normal([1, 4, 6, 6], using: &rng)), w = Variable(Tensor.normal([8, 4, 3, 3], using: &rng))
        let fp32 = try withNoGrad { try conv2d(x, weight: w, padding: 1) }.value
        let bf16 = try EngineOptions.$trainingPrecision.withValue(.bf16) {
            try withNoGrad { try conv2d(x, weight: w, padding: 1) }
        }.value
        #expect(maxRelativeDifference(bf16, fp32) == 0)
    }
}

private func maxRelativeDifference(_ a: Tensor, _ b: Tensor) -> Double {
    precondition(a.shape == b.shape, "compare \(a.shape) with \(b.shape)")
    let scale = max(1e-12, b.scalars.map { abs(Double($0)) }.max() ?? 0)
    return zip(a.scalars, b.scalars).map { abs(Double($0) - Double($1)) / scale }.max() ?? 0
}
