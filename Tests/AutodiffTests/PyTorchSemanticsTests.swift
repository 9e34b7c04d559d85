import Foundation
import Testing
import Tensor
@testable import Autodiff
import SeededRandom

/// Values from PyTorch 2.x where its semantics are subtle: the batch-norm running variance is updated with the
/// unbiased batch variance; weighted cross-entropy divides by the sum of the targets' weights; label smoothing
/// spreads ε/K over every class. Produced by this script (torch.float32):
///
///     x = torch.tensor([math.sin(0.37*i)*1.5 + 0.01*i for i in range(36)]).reshape(3,2,2,3)
///     bn = torch.nn.BatchNorm2d(2); bn.weight.data = torch.tensor([1.2, -0.7]); bn.bias.data = torch.tensor([0.1, 0.3])
///     bn.train(); y = bn(x)  # then bn.running_mean, bn.running_var, y[0,1,1,2], y[2,0,0,0]; bn.eval(); bn(x)[1,0,1,1]
///     z = torch.tensor([math.cos(0.9*i)*2 for i in range(12)]).reshape(4,3).requires_grad_()
///     loss = F.cross_entropy(z, torch.tensor([2,0,1,2]), weight=torch.tensor([0.3,1.0,2.5]), label_smoothing=0.15)
///     loss.backward()  # loss.item(), z.grad
@Suite struct PyTorchSemanticsTests {
    func close(_ a: Float, _ b: Float, _ tolerance: Float = 1e-5) -> Bool { abs(a - b) <= tolerance * max(1, abs(b)) }

    @Test func batchNormRunningStatisticsAndOutputs() throws {
        let x = Tensor(shape: [3, 2, 2, 3], scalars: (0..<36).map { Float(sin(0.37 * Double($0)) * 1.5 + 0.01 * Double($0)) })
        let running = RunningStatistics(channels: 2)
        let weight = Variable(Tensor(shape: [2], scalars: [1.2, -0.7]), requiresGrad: true)
        let bias = Variable(Tensor(shape: [2], scalars: [0.1, 0.3]), requiresGrad: true)
        let y = try batchNorm(Variable(x), weight: weight, bias: bias, running: running, training: true).value
        #expect(close(running.mean.scalars[0], -0.0003923496697098017))
        #expect(close(running.mean.scalars[1], 0.03857027739286423))
        #expect(close(running.variance.scalars[0], 1.0033215284347534))
        #expect(close(running.variance.scalars[1], 1.0026596784591675))
        #expect(running.batchesTracked == 1)
        #expect(close(y[0, 1, 1, 2], 1.3497859239578247))
        #expect(close(y[2, 0, 0, 0], 1.3406070470809937))
        let evaluated = try batchNorm(Variable(x), weight: weight, bias: bias, running: running, training: false)
        #expect(close(evaluated.value[1, 0, 1, 1], -0.34624287486076355))
        #expect(running.batchesTracked == 1)  // evaluation leaves the statistics alone
    }

    @Test func weightedSmoothedCrossEntropy() throws {
        let z = Variable(Tensor(shape: [4, 3], scalars: (0..<12).map { Float(cos(0.9 * Double($0)) * 2) }),
                         requiresGrad: true)
        let loss = try softmaxCrossEntropy(logits: z, labels: [2, 0, 1, 2], classWeights: [0.3, 1.0, 2.5],
                                           labelSmoothing: 0.15)
        #expect(loss.shape == [])
        #expect(close(loss.value.scalars[0], 1.9004758596420288))
        try loss.backward()
        let expected: [Float] = [0.23391439020633698, 0.1029272973537445, -0.3368417024612427,
                                 -0.031115518882870674, 0.003978134598582983, 0.027137385681271553,
                                 0.0386381670832634, -0.05771094188094139, 0.019072774797677994,
                                 0.23653560876846313, 0.05492551252245903, -0.29146116971969604]
        let grad = try #require(z.grad)
        for i in 0..<12 { #expect(close(grad.scalars[i], expected[i]), "grad[\(i)]") }
    }
}

@Suite struct OperationSemanticsTests {
    @Test func dropoutIsTheIdentityInEvaluationAndScalesInTraining() throws {
        var rng = SeededGenerator(seed: 1)
        let x = Variable(Tensor.ones([1000]))
        #expect(try dropout(x, probability: 0.5, training: false, using: &rng).value == x.value)
        let y = try dropout(x, probability: 0.25, training: true, using: &rng).value
        #expect(y.scalars.allSatisfy { $0 == 0 || abs($0 - 4.0 / 3) < 1e-6 })
        #expect((700...800).contains(y.scalars.filter { $0 != 0 }.count))
    }

    @Test func noGradInferenceRecordsNoGraph() throws {
        let w = Variable(Tensor.ones([2, 1, 3, 3]), requiresGrad: true)
        let y = try withNoGrad { try conv2d(Variable(.ones([1, 1, 4, 4])), weight: w, padding: 1) }
        #expect(y.isLeaf && !y.requiresGrad)
        #expect(y.value[0, 1, 1, 1] == 9 && y.value[0, 0, 0, 0] == 4)
    }

    @Test func flattenKeepsTheBatchAxis() throws {
        let y = try flatten(Variable(Tensor.zeros([3, 2, 4, 5])))
        #expect(y.shape == [3, 40])
    }

    @Test func badInputsNameTheOperationAndShapes() {
        func fails(_ words: [String], _ body: () throws -> Variable) {
            #expect { try body() } throws: { error in words.allSatisfy { "\(error)".contains($0) } }
        }
        let x = Variable(Tensor.zeros([2, 3, 8, 8]))
        fails(["conv2d", "[2, 3, 8, 8]", "[4, 2, 3, 3]"]) { try conv2d(x, weight: Variable(.zeros([4, 2, 3, 3]))) }
        fails(["conv2d", "empty batch"]) { try conv2d(Variable(.zeros([0, 3, 8, 8])), weight: Variable(.zeros([4, 3, 3, 3]))) }
        fails(["batchNorm", "[2, 3, 8, 8]", "[4]"]) {
            try batchNorm(x, weight: Variable(.ones([4])), bias: Variable(.zeros([4])),
                          running: RunningStatistics(channels: 4), training: true)
        }
        fails(["maxPool2d", "[2, 3]"]) { try maxPool2d(Variable(.zeros([2, 3])), kernel: 2, stride: 2) }
        fails(["globalAveragePool", "[0, 3, 8, 8]"]) { try globalAveragePool(Variable(.zeros([0, 3, 8, 8]))) }
        fails(["linear", "[2, 192]", "[10, 100]"]) { try linear(try flatten(x), weight: Variable(.zeros([10, 100]))) }
        fails(["softmaxCrossEntropy", "label 5"]) {
            try softmaxCrossEntropy(logits: Variable(.zeros([2, 3])), labels: [0, 5])
        }
        fails(["softmaxCrossEntropy", "label -1"]) {
            try softmaxCrossEntropy(logits: Variable(.zeros([2, 3])), labels: [-1, 0])
        }
        // ENGINE-API.md: bad shapes and out-of-range labels are `EngineError.shape`, naming the op.
        #expect { try softmaxCrossEntropy(logits: Variable(.zeros([2, 3])), labels: [0, 3]) } throws: {
            guard case .shape(op: "softmaxCrossEntropy", _)? = $0 as? EngineError else { return false }
            return true
        }
        #expect { try conv2d(x, weight: Variable(.zeros([4, 2, 3, 3]))) } throws: {
            guard case .shape(op: "conv2d", _)? = $0 as? EngineError else { return false }
            return true
        }
        fails(["flatten", "[0, 3]"]) { try flatten(Variable(.zeros([0, 3]))) }
        fails(["add", "[2, 3, 8, 8]", "[2, 3, 4, 4]"]) { try x + Variable(.zeros([2, 3, 4, 4])) }
    }
}
