import Foundation
import Testing
import Tensor
import Autodiff
@testable import NN
import SeededRandom

/// ResNet-18 against PyTorch: logits, loss, gradients and one SGD step on a seeded model and input
/// (the values in PyTorchReference.swift come from scripts/pytorch/check_resnet.py --write-fixture).
@Suite struct PyTorchReferenceTests {
    /// What the reference step did, in Perseus: returns the model and the tensors the reference records.
    static func referenceStep() throws -> (model: ResNet, results: [String: Tensor]) {
        let model = ResNet(.resnet18, classes: 2, seed: 11)
        var rng = SeededGenerator(seed: 12)
        let x = Variable(Tensor.uniform([4, 3, 64, 64], low: -1, high: 1, using: &rng))
        var results: [String: Tensor] = [:]
        model.eval()
        results["logits.eval"] = try withNoGrad { try model(x).value }
        model.train()
        let logits = try model(x)
        let loss = try softmaxCrossEntropy(logits: logits, labels: [0, 1, 1, 0])
        try loss.backward()
        results["logits.train"] = logits.value
        results["loss"] = try loss.value.reshaped([1])
        for (name, p) in model.namedParameters() { results["grad." + name] = p.grad }
        try SGD(parameters: model.namedParameters(), learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4).step()
        model.eval()
        results["logits.after"] = try withNoGrad { try model(x).value }
        return (model, results)
    }

    /// max |a - b| / max |b|.
    static func relativeError(_ a: [Float], _ b: [Float]) -> Double {
        precondition(a.count == b.count)
        let scale = b.map { Double(abs($0)) }.max() ?? 0
        let diff = zip(a, b).map { Double(abs($0 - $1)) }.max() ?? 0
        return scale == 0 ? diff : diff / scale
    }

    @Test func matchesPyTorchsFigures() throws {
        let (_, results) = try Self.referenceStep()
        #expect(Self.relativeError(results["logits.eval"]!.scalars, PyTorchReference.evalLogits) < 1e-4)
        #expect(Self.relativeError(results["logits.train"]!.scalars, PyTorchReference.trainLogits) < 1e-4)
        #expect(abs(results["loss"]!.scalars[0] - PyTorchReference.loss) < 1e-4 * abs(PyTorchReference.loss))
        #expect(Self.relativeError(results["logits.after"]!.scalars, PyTorchReference.logitsAfterStep) < 1e-4)
        for (name, norm, maxAbs, first, last) in PyTorchReference.gradients {
            let g = try #require(results["grad." + name]).scalars
            let ourNorm = Float(g.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot())
            #expect(abs(ourNorm - norm) <= 1e-4 * norm, "\(name): norm \(ourNorm) vs \(norm)")
            #expect(abs(g.map(abs).max()! - maxAbs) <= 1e-4 * maxAbs, "\(name): max \(g.map(abs).max()!) vs \(maxAbs)")
            #expect(abs(g.first! - first) <= 1e-4 * maxAbs, "\(name): first \(g.first!) vs \(first)")
            #expect(abs(g.last! - last) <= 1e-4 * maxAbs, "\(name): last \(g.last!) vs \(last)")
        }
    }

    static var fullReference: String? { ProcessInfo.processInfo.environment["PERSEUS_TORCH_REFERENCE"] }

    /// Every gradient against PyTorch's, when check_resnet.py passes its full reference file.
    @Test(.enabled(if: fullReference != nil, "needs PERSEUS_TORCH_REFERENCE (set by scripts/pytorch/check_resnet.py)"))
    func matchesEveryPyTorchGradient() throws {
        let reference = try SafeTensors(contentsOf: URL(fileURLWithPath: Self.fullReference!))
        let (model, results) = try Self.referenceStep()
        var worst = (name: "", error: 0.0)
        for key in reference.tensors.keys.sorted() {
            guard case let .float32(theirs) = reference.tensors[key]!, let ours = results[key] else {
                Issue.record("\(key) missing"); continue
            }
            let error = Self.relativeError(ours.scalars, theirs.scalars)
            if key.hasPrefix("grad.") {
                if error > worst.error { worst = (key, error) }
            } else {
                print("reference: \(key) max |diff| / max |value| = \(String(format: "%.2e", error))")
            }
            #expect(error < 1e-4, "\(key): \(error)")
        }
        let gradients = reference.tensors.keys.filter { $0.hasPrefix("grad.") }
        #expect(gradients.count == model.namedParameters().count)
        print("reference: \(gradients.count) gradients, worst max |diff| / max |grad| = \(String(format: "%.2e", worst.error)) (\(worst.name))")
        for key in ["grad.conv1.weight", "grad.layer1.0.conv1.weight", "grad.layer4.1.conv2.weight", "grad.fc.weight", "grad.fc.bias"] {
            if case let .float32(theirs) = reference.tensors[key]! {
                print("reference: \(key) \(String(format: "%.2e", Self.relativeError(results[key]!.scalars, theirs.scalars)))")
            }
        }
    }
}
