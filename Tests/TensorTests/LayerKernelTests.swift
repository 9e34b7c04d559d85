import Foundation
import Testing
@testable import Tensor
import SeededRandom

@Suite struct LinearKernelTests {
    @Test(arguments: [(3, 5, 4, true), (1, 1, 1, false), (17, 33, 10, true)])
    func matchesNaiveLoops(_ n: Int, _ inF: Int, _ outF: Int, _ withBias: Bool) throws {
        let x = randomTensor([n, inF], seed: 1), w = randomTensor([outF, inF], seed: 2)
        let b = withBias ? randomTensor([outF], seed: 3) : nil
        let y = try linearForward(x, weight: w, bias: b)
        #expect(maxRelativeDifference(y, Reference.linear(x, w, b)) < 1e-5)
        let dy = randomTensor([n, outF], seed: 4)
        let grads = try linearBackward(dy, input: x, weight: w, withBias: withBias)
        let expected = Reference.linearBackward(dy, x, w)
        #expect(maxRelativeDifference(grads.input, expected.input) < 1e-5)
        #expect(maxRelativeDifference(grads.weight, expected.weight) < 1e-5)
        #expect(withBias ? maxRelativeDifference(try #require(grads.bias), expected.bias) < 1e-5 : grads.bias == nil)
    }

    @Test func badShapes() {
        #expect { try linearForward(.zeros([2, 3]), weight: .zeros([4, 5]), bias: nil) } throws: {
            "\($0)".contains("linear") && "\($0)".contains("[2, 3]") && "\($0)".contains("[4, 5]")
        }
        #expect { try linearForward(.zeros([0, 3]), weight: .zeros([4, 3]), bias: nil) } throws: {
            "\($0)".contains("linear") && "\($0)".contains("empty batch")
        }
    }
}

@Suite struct BatchNormKernelTests {
    @Test(arguments: [[4, 3, 5, 6], [6, 5], [2, 20, 17, 19]])
    func trainingMatchesNaiveLoopsForwardAndBackward(_ shape: [Int]) throws {
        let c = shape[1]
        var x = randomTensor(shape, seed: 1)
        x = x.scaled(by: 3)  // away from unit variance, with an offset below
        x.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] += 2 } }
        let gamma = randomTensor([c], seed: 2), beta = randomTensor([c], seed: 3)
        let (y, mean, variance) = try batchNormTrainingForward(x, weight: gamma, bias: beta, epsilon: 1e-5)
        let (expected, expectedMean, expectedVariance) = Reference.batchNormTraining(x, gamma, beta, eps: 1e-5)
        #expect(maxRelativeDifference(y, expected) < 1e-4)
        for i in 0..<c {
            #expect(abs(Double(mean.scalars[i]) - expectedMean[i]) < 1e-4)
            #expect(abs(Double(variance.scalars[i]) - expectedVariance[i]) < 1e-3 * expectedVariance[i])
        }
        let dy = randomTensor(shape, seed: 4)
        let grads = try batchNormBackward(dy, input: x, weight: gamma, mean: mean, variance: variance, epsilon: 1e-5,
                                          training: true)
        let reference = Reference.batchNormTrainingBackward(dy, x, gamma, eps: 1e-5)
        #expect(maxRelativeDifference(grads.input, reference.input) < 1e-4)
        #expect(maxRelativeDifference(grads.weight, reference.weight) < 1e-4)
        #expect(maxRelativeDifference(grads.bias, reference.bias) < 1e-4)
    }

    @Test func evaluationUsesGivenStatistics() throws {
        let x = randomTensor([3, 2, 4, 4], seed: 1), dy = randomTensor([3, 2, 4, 4], seed: 2)
        let gamma = Tensor(shape: [2], scalars: [1.5, -0.5]), beta = Tensor(shape: [2], scalars: [0.1, 0.2])
        let mean = Tensor(shape: [2], scalars: [0.3, -0.2]), variance = Tensor(shape: [2], scalars: [2, 0.5])
        let y = try batchNormInferenceForward(x, weight: gamma, bias: beta, mean: mean, variance: variance, epsilon: 1e-5)
        let grads = try batchNormBackward(dy, input: x, weight: gamma, mean: mean, variance: variance, epsilon: 1e-5,
                                          training: false)
        var expected = Tensor(shape: x.shape), expectedDx = Tensor(shape: x.shape)
        var dgamma = [Double](repeating: 0, count: 2), dbeta = dgamma
        for n in 0..<3 { for c in 0..<2 { for h in 0..<4 { for w in 0..<4 {
            let invStd = 1 / (Double(variance[c]) + 1e-5).squareRoot()
            let xhat = (Double(x[n, c, h, w]) - Double(mean[c])) * invStd
            expected[n, c, h, w] = Float(Double(gamma[c]) * xhat + Double(beta[c]))
            expectedDx[n, c, h, w] = Float(Double(dy[n, c, h, w]) * Double(gamma[c]) * invStd)
            dgamma[c] += Double(dy[n, c, h, w]) * xhat
            dbeta[c] += Double(dy[n, c, h, w])
        } } } }
        #expect(maxRelativeDifference(y, expected) < 1e-5)
        #expect(maxRelativeDifference(grads.input, expectedDx) < 1e-5)
        #expect(maxRelativeDifference(grads.weight, Tensor(shape: [2], scalars: dgamma.map(Float.init))) < 1e-5)
        #expect(maxRelativeDifference(grads.bias, Tensor(shape: [2], scalars: dbeta.map(Float.init))) < 1e-5)
    }

    @Test func badShapes() {
        #expect { try batchNormTrainingForward(.zeros([2, 3, 4, 4]), weight: .ones([4]), bias: .zeros([4]), epsilon: 1e-5) }
            throws: { "\($0)".contains("batchNorm") && "\($0)".contains("[2, 3, 4, 4]") && "\($0)".contains("[4]") }
        #expect { try batchNormTrainingForward(.zeros([0, 3, 4, 4]), weight: .ones([3]), bias: .zeros([3]), epsilon: 1e-5) }
            throws: { "\($0)".contains("batchNorm") && "\($0)".contains("empty batch") }
        #expect { try batchNormTrainingForward(.zeros([1, 3]), weight: .ones([3]), bias: .zeros([3]), epsilon: 1e-5) }
            throws: { "\($0)".contains("batchNorm") && "\($0)".contains("more than 1 value") }
    }
}

@Suite struct PoolingKernelTests {
    @Test(arguments: [([2, 3, 9, 9], 3, 2, 1), ([2, 3, 8, 8], 3, 2, 1), ([1, 2, 6, 7], 2, 2, 0), ([1, 1, 5, 5], 3, 1, 1)])
    func maxPoolMatchesNaiveLoops(_ shape: [Int], _ k: Int, _ s: Int, _ p: Int) throws {
        let x = randomTensor(shape, seed: 1)
        let (y, argmax) = try maxPool2dForward(x, kernel: k, stride: s, padding: p)
        let (expected, winners) = Reference.maxPool(x, kernel: k, stride: s, padding: p)
        #expect(y == expected)
        let dy = randomTensor(y.shape, seed: 2)
        let dx = try maxPool2dBackward(dy, argmax: argmax, inputShape: shape)
        #expect(maxRelativeDifference(dx, Reference.maxPoolBackward(dy, winners: winners, inputShape: shape)) < 1e-6)
    }

    @Test func maxPoolTiesSendTheGradientToTheFirstMaximum() throws {
        // Constant planes: every window ties; PyTorch gives each window's gradient to its first valid element.
        let x = Tensor(shape: [1, 2, 5, 5], repeating: 1.5)
        let (y, argmax) = try maxPool2dForward(x, kernel: 3, stride: 2, padding: 1)
        let (_, winners) = Reference.maxPool(x, kernel: 3, stride: 2, padding: 1)
        #expect(y.scalars.allSatisfy { $0 == 1.5 })
        let dy = Tensor(shape: y.shape, repeating: 1)
        let dx = try maxPool2dBackward(dy, argmax: argmax, inputShape: x.shape)
        #expect(dx == Reference.maxPoolBackward(dy, winners: winners, inputShape: x.shape))
        // Windows start at rows/columns -1, 1, 3: their first valid elements are at 0, 1, 3.
        for h in 0..<5 { for w in 0..<5 {
            #expect(dx[0, 1, h, w] == ([0, 1, 3].contains(h) && [0, 1, 3].contains(w) ? 1 : 0))
        } }
    }

    @Test func globalAveragePoolMatchesNaiveLoops() throws {
        let x = randomTensor([3, 4, 5, 7], seed: 1)
        let y = try globalAveragePoolForward(x)
        var expected = Tensor(shape: [3, 4])
        for n in 0..<3 { for c in 0..<4 {
            var sum = 0.0
            for h in 0..<5 { for w in 0..<7 { sum += Double(x[n, c, h, w]) } }
            expected[n, c] = Float(sum / 35)
        } }
        #expect(maxRelativeDifference(y, expected) < 1e-6)
        let dy = randomTensor([3, 4], seed: 2)
        let dx = try globalAveragePoolBackward(dy, inputShape: x.shape)
        for n in 0..<3 { for c in 0..<4 { for h in 0..<5 { for w in 0..<7 {
            #expect(abs(dx[n, c, h, w] - dy[n, c] / 35) < 1e-7)
        } } } }
    }

    @Test func badShapes() {
        #expect { try maxPool2dForward(.zeros([0, 3, 8, 8]), kernel: 3, stride: 2, padding: 1) } throws: {
            "\($0)".contains("maxPool2d") && "\($0)".contains("empty batch")
        }
        #expect { try maxPool2dForward(.zeros([1, 3, 8, 8]), kernel: 3, stride: 2, padding: 2) } throws: {
            "\($0)".contains("maxPool2d") && "\($0)".contains("padding")
        }
        #expect { try globalAveragePoolForward(.zeros([2, 3])) } throws: {
            "\($0)".contains("globalAveragePool") && "\($0)".contains("[2, 3]")
        }
    }
}

@Suite struct ElementwiseKernelTests {
    @Test func reluMatchesDefinition() throws {
        let x = randomTensor([1000], seed: 1), dy = randomTensor([1000], seed: 2)
        let y = reluForward(x)
        let dx = try reluBackward(dy, output: y)
        for i in 0..<1000 {
            #expect(y.scalars[i] == max(x.scalars[i], 0))
            #expect(dx.scalars[i] == (x.scalars[i] > 0 ? dy.scalars[i] : 0))
        }
        // Large enough to run on several threads.
        let big = randomTensor([300_000], seed: 3)
        #expect(reluForward(big).scalars == big.scalars.map { max($0, 0) })
    }

    @Test func dropoutMaskIsSeededAndScaled() throws {
        var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9)
        let mask = try dropoutMask([100_000], probability: 0.3, using: &a)
        #expect(mask == (try dropoutMask([100_000], probability: 0.3, using: &b)))
        let zeros = mask.scalars.filter { $0 == 0 }.count
        #expect(abs(Double(zeros) / 100_000 - 0.3) < 0.01)
        #expect(mask.scalars.allSatisfy { $0 == 0 || abs($0 - 1 / 0.7) < 1e-6 })
        #expect(throws: EngineError.self) { try dropoutMask([3], probability: 1.5, using: &a) }
    }

    @Test func softmaxRowsSumToOne() throws {
        let z = Tensor(shape: [2, 3], scalars: [1, 2, 3, 1000, 1000, 1000])
        let p = try z.softmax()
        let e = [1, 2, 3].map { exp(Double($0) - 3) }, total = e.reduce(0, +)
        for j in 0..<3 { #expect(abs(Double(p[0, j]) - e[j] / total) < 1e-6) }
        for j in 0..<3 { #expect(abs(p[1, j] - 1.0 / 3) < 1e-6) }  // no overflow
        #expect(throws: EngineError.self) { try Tensor.zeros([3]).softmax() }
    }
}

@Suite struct CrossEntropyKernelTests {
    @Test(arguments: [(nil, 0.0), ([0.2, 1.0, 3.0, 0.5] as [Float]?, 0.0), (nil, 0.1), ([0.2, 1.0, 3.0, 0.5], 0.25)])
    func matchesLogSoftmaxDefinition(_ weights: [Float]?, _ smoothing: Double) throws {
        let z = randomTensor([6, 4], seed: 1).scaled(by: 2)
        let labels = [0, 3, 2, 2, 1, 3]
        let ce = try SoftmaxCrossEntropy(logits: z, labels: labels, classWeights: weights,
                                         labelSmoothing: Float(smoothing))
        let reference = Reference.crossEntropy(z, labels, weights: weights, smoothing: smoothing)
        #expect(abs(Double(ce.loss) - reference.loss) < 1e-5 * max(1, reference.loss))
        #expect(maxRelativeDifference(ce.gradient(), reference.grad) < 1e-5)
        #expect(maxRelativeDifference(ce.gradient(scale: 3), reference.grad.scaled(by: 3)) < 1e-5)
    }

    @Test func badLabelsAndShapes() {
        let z = Tensor.zeros([2, 3])
        #expect { try SoftmaxCrossEntropy(logits: z, labels: [0, 3]) } throws: {
            "\($0)".contains("softmaxCrossEntropy") && "\($0)".contains("label 3") && "\($0)".contains("[2, 3]")
        }
        #expect { try SoftmaxCrossEntropy(logits: z, labels: [0]) } throws: {
            "\($0)".contains("softmaxCrossEntropy") && "\($0)".contains("1 labels")
        }
        #expect { try SoftmaxCrossEntropy(logits: z, labels: [0, 1], classWeights: [1, 1]) } throws: {
            "\($0)".contains("2 class weights")
        }
        #expect { try SoftmaxCrossEntropy(logits: .zeros([0, 3]), labels: []) } throws: {
            "\($0)".contains("empty batch")
        }
    }
}
