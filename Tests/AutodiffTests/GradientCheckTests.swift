import Foundation
import Testing
import Tensor
@testable import Autodiff
import SeededRandom

/// Every differentiable operation against central finite differences (`gradientCheck`).
@Suite struct GradientCheckTests {
    func normal(_ shape: [Int], seed: UInt64, std: Float = 1) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        return Tensor.normal(shape, std: std, using: &rng)
    }

    /// Distinct values at least `spacing` apart in random order: no ties, and no finite-difference step can change
    /// which element is a window's maximum.
    func distinct(_ shape: [Int], seed: UInt64, spacing: Float = 0.05) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        let n = shape.reduce(1, *)
        let values = (0..<n).map { Float($0) * spacing - Float(n) * spacing / 2 }.shuffled(using: &rng)
        return Tensor(shape: shape, scalars: values)
    }

    @Test(arguments: [true, false]) func conv2dStride2Padding1(_ withBias: Bool) throws {
        let x = normal([2, 3, 7, 6], seed: 1), w = normal([4, 3, 3, 3], seed: 2, std: 0.5)
        let inputs = withBias ? [x, w, normal([4], seed: 3)] : [x, w]
        let result = try gradientCheck(inputs, maxElements: 48) { v in
            try conv2d(v[0], weight: v[1], bias: withBias ? v[2] : nil, stride: 2, padding: 1)
        }
        #expect(result.maxError < 2e-3, "\(result)")
    }

    @Test func conv2dLargeKernelAndStride() throws {
        // The ResNet stem in miniature: 7x7, stride 2, padding 3.
        let x = normal([1, 2, 9, 9], seed: 4), w = normal([3, 2, 7, 7], seed: 5, std: 0.3)
        let result = try gradientCheck([x, w, normal([3], seed: 6)], maxElements: 48) { v in
            try conv2d(v[0], weight: v[1], bias: v[2], stride: 2, padding: 3)
        }
        #expect(result.maxError < 2e-3, "\(result)")
    }

    @Test(arguments: [[3, 2, 4, 5], [5, 3]]) func batchNormTraining(_ shape: [Int]) throws {
        let x = normal(shape, seed: 7, std: 2), gamma = normal([shape[1]], seed: 8), beta = normal([shape[1]], seed: 9)
        let result = try gradientCheck([x, gamma, beta], epsilon: 1e-2) { v in
            try batchNorm(v[0], weight: v[1], bias: v[2], running: RunningStatistics(channels: shape[1]),
                          training: true)
        }
        #expect(result.maxError < 5e-3, "\(result)")
    }

    @Test func batchNormEvaluation() throws {
        let running = RunningStatistics(channels: 2)
        running.mean = Tensor(shape: [2], scalars: [0.5, -1])
        running.variance = Tensor(shape: [2], scalars: [2, 0.25])
        let x = normal([3, 2, 3, 3], seed: 10), gamma = normal([2], seed: 11), beta = normal([2], seed: 12)
        let result = try gradientCheck([x, gamma, beta]) { v in
            try batchNorm(v[0], weight: v[1], bias: v[2], running: running, training: false)
        }
        #expect(result.maxError < 2e-3, "\(result)")
    }

    @Test func reluAwayFromZero() throws {
        var x = normal([4, 5], seed: 13)
        x.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] += p[i] < 0 ? -0.1 : 0.1 } }
        let result = try gradientCheck([x]) { v in relu(v[0]) }
        #expect(result.maxError < 1e-3, "\(result)")
    }

    @Test(arguments: [(3, 2, 1), (2, 2, 0), (3, 1, 1)]) func maxPool(_ k: Int, _ s: Int, _ p: Int) throws {
        let x = distinct([2, 2, 7, 7], seed: 14)
        let result = try gradientCheck([x], maxElements: 98) { v in
            try maxPool2d(v[0], kernel: k, stride: s, padding: p)
        }
        #expect(result.maxError < 1e-3, "\(result)")
    }

    @Test func globalAveragePooling() throws {
        let result = try gradientCheck([normal([2, 3, 4, 5], seed: 15)], maxElements: 120) { v in
            try globalAveragePool(v[0])
        }
        #expect(result.maxError < 1e-3, "\(result)")
    }

    @Test(arguments: [true, false]) func linearLayer(_ withBias: Bool) throws {
        let x = normal([4, 6], seed: 16), w = normal([3, 6], seed: 17)
        let inputs = withBias ? [x, w, normal([3], seed: 18)] : [x, w]
        let result = try gradientCheck(inputs) { v in try linear(v[0], weight: v[1], bias: withBias ? v[2] : nil) }
        #expect(result.maxError < 1e-3, "\(result)")
    }

    @Test(arguments: [(nil, 0), ([0.5, 2, 1, 3] as [Float]?, 0), (nil, 0.1), ([0.5, 2, 1, 3], 0.2)] as [([Float]?, Float)])
    func crossEntropy(_ weights: [Float]?, _ smoothing: Float) throws {
        let logits = normal([5, 4], seed: 19, std: 2)
        let result = try gradientCheck([logits], epsilon: 1e-2) { v in
            try softmaxCrossEntropy(logits: v[0], labels: [3, 0, 1, 1, 2], classWeights: weights,
                                    labelSmoothing: smoothing)
        }
        #expect(result.maxError < 2e-3, "\(result)")
    }

    /// Soft targets (distillation): the finite-difference gradient, and one-hot targets give the labels' loss.
    @Test func crossEntropyWithSoftTargets() throws {
        let logits = normal([5, 3], seed: 23, std: 2)
        let raw = normal([5, 3], seed: 24).scalars.map { expf($0) }
        let targets = Tensor(shape: [5, 3], scalars: (0..<15).map { raw[$0] / (raw[($0 / 3) * 3] + raw[($0 / 3) * 3 + 1] + raw[($0 / 3) * 3 + 2]) })
        let result = try gradientCheck([logits], epsilon: 1e-2) { v in try softmaxCrossEntropy(logits: v[0], targets: targets) }
        #expect(result.maxError < 2e-3, "\(result)")
        let labels = [2, 0, 1, 1, 0]
        let oneHot = Tensor(shape: [5, 3], scalars: (0..<15).map { labels[$0 / 3] == $0 % 3 ? 1 : 0 })
        let soft = try softmaxCrossEntropy(logits: Variable(logits), targets: oneHot).value.scalars[0]
        let hard = try softmaxCrossEntropy(logits: Variable(logits), labels: labels).value.scalars[0]
        #expect(abs(soft - hard) < 1e-5 * max(1, abs(hard)))
    }

    @Test func maskedMeanSquaredError() throws {
        let target = normal([4, 3], seed: 31)
        let mask = Tensor(shape: [4, 3], scalars: [1, 0, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1])
        let result = try gradientCheck([normal([4, 3], seed: 32)]) { v in
            try Autodiff.maskedMeanSquaredError(prediction: v[0], target: target, mask: mask)
        }
        #expect(result.maxError < 1e-3, "\(result)")
        // Masked entries neither count nor receive a gradient; an all-zero mask gives 0.
        let prediction = Variable(Tensor(shape: [1, 2], scalars: [3, 100]), requiresGrad: true)
        let loss = try Autodiff.maskedMeanSquaredError(prediction: prediction, target: Tensor(shape: [1, 2], scalars: [1, 0]),
                                                       mask: Tensor(shape: [1, 2], scalars: [1, 0]))
        #expect(loss.value.scalars == [4])
        try loss.backward()
        #expect(prediction.grad?.scalars == [4, 0])
        let none = try Autodiff.maskedMeanSquaredError(prediction: prediction, target: Tensor(shape: [1, 2]), mask: Tensor(shape: [1, 2]))
        #expect(none.value.scalars == [0])
    }

    @Test func dropoutWithAFixedMask() throws {
        let result = try gradientCheck([normal([3, 10], seed: 20)]) { v in
            var rng = SeededGenerator(seed: 21)  // the same mask on every evaluation
            return try dropout(v[0], probability: 0.4, training: true, using: &rng)
        }
        #expect(result.maxError < 1e-3, "\(result)")
    }

    @Test func addAndFlatten() throws {
        let a = normal([2, 3, 2, 2], seed: 22), b = normal([2, 3, 2, 2], seed: 23)
        let result = try gradientCheck([a, b]) { v in try flatten(try v[0] + v[1]) }
        #expect(result.maxError < 1e-3, "\(result)")
    }

    @Test func composedNetworkSlice() throws {
        // The ops in sequence, as in a network: conv -> BN -> ReLU -> maxPool -> conv -> GAP -> linear -> CE.
        let x = normal([2, 2, 6, 6], seed: 24), w1 = normal([3, 2, 3, 3], seed: 25, std: 0.5)
        let w2 = normal([4, 3, 3, 3], seed: 26, std: 0.5), fc = normal([3, 4], seed: 27)
        let result = try gradientCheck([x, w1, w2, fc], epsilon: 5e-3, maxElements: 24) { v in
            var h = try conv2d(v[0], weight: v[1], padding: 1)
            h = try batchNorm(h, weight: Variable(.ones([3])), bias: Variable(.zeros([3])),
                              running: RunningStatistics(channels: 3), training: true)
            h = try maxPool2d(relu(h), kernel: 2, stride: 2)
            h = try globalAveragePool(try conv2d(h, weight: v[2], stride: 2, padding: 1))
            return try softmaxCrossEntropy(logits: try linear(h, weight: v[3]), labels: [2, 0])
        }
        #expect(result.maxError < 1e-2, "\(result)")
    }
}
