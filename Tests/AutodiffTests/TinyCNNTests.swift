import Testing
import Tensor
@testable import Autodiff
import SeededRandom

/// A tiny CNN built from the engine's operations memorises a small fixed batch: the end-to-end proof that
/// forward, backward and the parameter updates fit together.
@Suite struct TinyCNNTests {
    final class TinyCNN {
        let conv1, bn1Weight, bn1Bias, conv2, bn2Weight, bn2Bias, fcWeight, fcBias: Variable
        let bn1 = RunningStatistics(channels: 8), bn2 = RunningStatistics(channels: 16)
        var parameters: [Variable] { [conv1, bn1Weight, bn1Bias, conv2, bn2Weight, bn2Bias, fcWeight, fcBias] }

        init(classes: Int, rng: inout SeededGenerator) {
            func param(_ t: Tensor) -> Variable { Variable(t, requiresGrad: true) }
            conv1 = param(.normal([8, 1, 3, 3], std: (2.0 / 9).squareRoot(), using: &rng))
            bn1Weight = param(.ones([8])); bn1Bias = param(.zeros([8]))
            conv2 = param(.normal([16, 8, 3, 3], std: (2.0 / 72).squareRoot(), using: &rng))
            bn2Weight = param(.ones([16])); bn2Bias = param(.zeros([16]))
            fcWeight = param(.normal([classes, 16], std: 0.25, using: &rng))
            fcBias = param(.zeros([classes]))
        }

        func callAsFunction(_ x: Variable, training: Bool) throws -> Variable {
            var h = try conv2d(x, weight: conv1, padding: 1)
            h = relu(try batchNorm(h, weight: bn1Weight, bias: bn1Bias, running: bn1, training: training))
            h = try maxPool2d(h, kernel: 3, stride: 2, padding: 1)
            h = try conv2d(h, weight: conv2, stride: 2, padding: 1)
            h = relu(try batchNorm(h, weight: bn2Weight, bias: bn2Bias, running: bn2, training: training))
            return try linear(try flatten(try globalAveragePool(h)), weight: fcWeight, bias: fcBias)
        }
    }

    @Test func trainingLossGoesToNearZeroOnAFixedBatch() throws {
        var rng = SeededGenerator(seed: 2024)
        let model = TinyCNN(classes: 3, rng: &rng)
        let images = Variable(Tensor.normal([12, 1, 12, 12], using: &rng))
        let labels = (0..<12).map { $0 % 3 }
        var losses: [Float] = []
        for _ in 0..<200 {
            let loss = try softmaxCrossEntropy(logits: try model(images, training: true), labels: labels)
            losses.append(loss.value.scalars[0])
            for p in model.parameters { p.zeroGrad() }
            try loss.backward()
            for p in model.parameters {
                let grad = try #require(p.grad, "every parameter receives a gradient")
                p.value = try p.value.adding(grad.scaled(by: -0.1))
            }
        }
        #expect(losses[0] > 0.9, "starts near log(3): \(losses[0])")
        #expect(losses.last! < 0.05, "losses: \(losses.enumerated().filter { $0.offset % 40 == 0 }.map(\.element))")
        // The running statistics were tracked, and evaluation mode classifies the batch too.
        #expect(model.bn1.batchesTracked == 200)
        let logits = try withNoGrad { try model(images, training: false) }.value
        let predicted = (0..<12).map { i in (0..<3).max { logits[i, $0] < logits[i, $1] }! }
        #expect(predicted.enumerated().filter { $0.element == labels[$0.offset] }.count >= 10,
                "evaluation-mode predictions \(predicted) for labels \(labels)")
    }
}
