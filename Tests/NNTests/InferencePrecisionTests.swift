import Testing
import Tensor
import Autodiff
@testable import NN
import SeededRandom

/// A whole ResNet in evaluation mode under `EngineOptions.precision`: bf16 and int8 logits against fp32's, within
/// what the formats hold over 18 layers, and int8 refused until calibrated.
@Suite struct InferencePrecisionTests {
    /// A seeded ResNet-18 with non-trivial running statistics, in evaluation mode, and a batch of inputs.
    func network() throws -> (ResNet, Tensor) {
        let model = ResNet(.resnet18, classes: 3, seed: 11)
        var rng = SeededGenerator(seed: 5)
        let x = Tensor.normal([8, 3, 48, 48], using: &rng)
        for _ in 0..<2 { _ = try withNoGrad { try model(Variable(x.scaled(by: 1.5))) } }
        model.eval()
        return (model, x)
    }

    func logits(_ model: ResNet, _ x: Tensor, _ precision: InferencePrecision) throws -> Tensor {
        try EngineOptions.$precision.withValue(precision) { try withNoGrad { try model(Variable(x)).value } }
    }

    func maxRelativeError(_ a: Tensor, _ b: Tensor) -> Float {
        let scale = max(b.scalars.map(abs).max() ?? 0, 1e-6)
        return zip(a.scalars, b.scalars).map { abs($0 - $1) }.max()! / scale
    }

    @Test func bf16AndInt8StayCloseToFP32() throws {
        let (model, x) = try network()
        let fp32 = try logits(model, x, .fp32)
        let bf16 = maxRelativeError(try logits(model, x, .bf16), fp32)
        #expect(bf16 > 0 && bf16 < 0.05, "bf16: \(bf16)")
        _ = try EngineOptions.$calibrating.withValue(true) { try withNoGrad { try model(Variable(x)) } }
        // Calibration ran in fp32 and changed nothing.
        #expect(try logits(model, x, .fp32) == fp32)
        let int8 = maxRelativeError(try logits(model, x, .int8), fp32)
        #expect(int8 > 0 && int8 < 0.1, "int8: \(int8)")
        // Every convolution was calibrated; only the stem's input (the signed image) is signed.
        let convolutions = model.namedModules().compactMap { $0.module as? Conv2d }
        #expect(convolutions.allSatisfy { $0.int8Input != nil })
        #expect(convolutions.filter { $0.int8Input?.nonNegative == false }.count == 1)
    }

    @Test func int8NeedsCalibration() throws {
        let (model, x) = try network()
        #expect(throws: EngineError.self) { try logits(model, x, .int8) }
    }
}
