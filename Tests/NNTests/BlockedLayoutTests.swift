import Testing
import Tensor
import Autodiff
@testable import NN
import SeededRandom

/// The optimised engine paths (blocked layouts between layers, fused batch norm + ReLU in training, batch norm folded
/// into convolutions with fused ReLU and residual in evaluation, Winograd) against the plain reference path: the same
/// network, weights and input, forward and backward, training and evaluation.
@Suite struct BlockedLayoutTests {
    struct Step {
        var logits: Tensor
        var grads: [String: Tensor]
        var runningMeans: [Tensor]
    }

    /// One forward (and in training, backward) pass of a fresh, seeded network.
    func step(_ arch: ResNetArchitecture, blocked: Bool, winograd: Bool = false, fuse: Bool = true,
              training: Bool, batch: Int = 3, size: Int = 40) throws -> Step {
        try EngineOptions.$blockedLayouts.withValue(blocked) {
            try EngineOptions.$winograd.withValue(winograd) {
                try EngineOptions.$fuseInference.withValue(fuse) {
                    let model = ResNet(arch, classes: 3, seed: 11)
                    var rng = SeededGenerator(seed: 5)
                    let x = Tensor.normal([batch, 3, size, size], using: &rng)
                    if !training {
                        // Non-trivial running statistics: a few training-mode passes first.
                        for _ in 0..<2 { _ = try withNoGrad { try model(Variable(x.scaled(by: 1.5))) } }
                        model.eval()
                        let logits = try withNoGrad { try model(Variable(x)).value }
                        return Step(logits: logits, grads: [:], runningMeans: [])
                    }
                    let logits = try model(Variable(x))
                    let loss = try softmaxCrossEntropy(logits: logits, labels: (0..<batch).map { $0 % 3 })
                    try loss.backward()
                    var grads: [String: Tensor] = [:]
                    for (name, p) in model.namedParameters() { grads[name] = p.grad }
                    let means = model.namedModules().compactMap { ($0.module as? BatchNorm2d)?.running.mean }
                    return Step(logits: logits.value, grads: grads, runningMeans: means)
                }
            }
        }
    }

    func maxRelativeError(_ a: Tensor, _ b: Tensor) -> Float {
        precondition(a.shape == b.shape)
        let scale = max(b.scalars.map(abs).max() ?? 0, 1e-6)
        return zip(a.scalars, b.scalars).map { abs($0 - $1) }.max()! / scale
    }

    @Test(arguments: [ResNetArchitecture.resnet10, .resnet18])
    func trainingStepMatchesReference(_ arch: ResNetArchitecture) throws {
        let reference = try step(arch, blocked: false, training: true)
        let fast = try step(arch, blocked: true, training: true)
        #expect(maxRelativeError(fast.logits, reference.logits) < 1e-4)
        #expect(fast.grads.keys.sorted() == reference.grads.keys.sorted())
        for (name, g) in reference.grads {
            let err = maxRelativeError(fast.grads[name]!, g)
            #expect(err < 2e-3, "gradient of \(name): relative error \(err)")
        }
        for (a, b) in zip(fast.runningMeans, reference.runningMeans) { #expect(maxRelativeError(a, b) < 1e-4) }
    }

    @Test func evaluationMatchesReference() throws {
        let reference = try step(.resnet18, blocked: false, training: false)
        let unfused = try step(.resnet18, blocked: true, fuse: false, training: false)
        let fused = try step(.resnet18, blocked: true, fuse: true, training: false)
        #expect(maxRelativeError(unfused.logits, reference.logits) < 1e-4)
        #expect(maxRelativeError(fused.logits, reference.logits) < 1e-4)
    }

    @Test func winogradIsCloseToDirect() throws {
        let reference = try step(.resnet18, blocked: false, training: true, size: 64)
        let winograd = try step(.resnet18, blocked: true, winograd: true, training: true, size: 64)
        #expect(maxRelativeError(winograd.logits, reference.logits) < 1e-3)
        for (name, g) in reference.grads {
            let err = maxRelativeError(winograd.grads[name]!, g)
            #expect(err < 1e-2, "gradient of \(name): relative error \(err)")
        }
        let evalReference = try step(.resnet18, blocked: false, training: false, size: 64)
        let evalWinograd = try step(.resnet18, blocked: true, winograd: true, training: false, size: 64)
        #expect(maxRelativeError(evalWinograd.logits, evalReference.logits) < 1e-3)
    }

    /// Two SGD steps on the optimised path (Winograd in every pass, the forward's reordered weights reused by
    /// backward-data, the graph released by backward, the in-place optimizer) against the reference path: the second
    /// step must see the weights the first step wrote, not the copies made before it.
    @Test func secondStepAfterAnUpdateMatchesReference() throws {
        func twoSteps(blocked: Bool, winograd: Bool) throws -> (logits: Tensor, grads: [String: Tensor]) {
            try EngineOptions.$blockedLayouts.withValue(blocked) {
                try EngineOptions.$winograd.withValue(winograd) {
                    let model = ResNet(.resnet10, classes: 3, seed: 11)
                    let sgd = SGD(parameters: model.namedParameters(), learningRate: 0.5, momentum: 0.9,
                                  weightDecay: 1e-3)
                    var rng = SeededGenerator(seed: 5)
                    let x = Tensor.normal([3, 3, 48, 48], using: &rng)
                    var logits = Tensor(shape: [0])
                    for _ in 0..<2 {
                        sgd.zeroGrad()
                        let out = try model(Variable(x))
                        try softmaxCrossEntropy(logits: out, labels: [0, 1, 2]).backward()
                        try sgd.step()
                        logits = out.value
                    }
                    var grads: [String: Tensor] = [:]
                    for (name, p) in model.namedParameters() { grads[name] = p.grad }
                    return (logits, grads)
                }
            }
        }
        let reference = try twoSteps(blocked: false, winograd: false)
        for winograd in [false, true] {
            let fast = try twoSteps(blocked: true, winograd: winograd)
            let tolerance: Float = winograd ? 1e-2 : 2e-3
            #expect(maxRelativeError(fast.logits, reference.logits) < tolerance / 10, "winograd \(winograd)")
            for (name, g) in reference.grads {
                let err = maxRelativeError(fast.grads[name]!, g)
                #expect(err < tolerance, "winograd \(winograd): gradient of \(name) in step 2: relative error \(err)")
            }
        }
    }

    @Test func repeatedStepsCreateNoPrimitives() throws {
        _ = try step(.resnet10, blocked: true, training: true)
        let count = LayoutOps.cachedPrimitiveCount
        _ = try step(.resnet10, blocked: true, training: true)
        #expect(LayoutOps.cachedPrimitiveCount == count)
    }

    /// Finite differences through the blocked-layout ops themselves: convolution (direct and Winograd) into a blocked
    /// layout, batch norm, addition and a second convolution on blocked inputs. (ReLU and max pooling are kinked, so
    /// finite differences across their kinks are meaningless; the ResNet comparisons above check their gradients
    /// against the reference kernels.)
    @Test(arguments: [false, true]) func blockedOpsPassGradientCheck(_ winograd: Bool) throws {
        var rng = SeededGenerator(seed: 3)
        let x = Tensor.normal([2, 16, 6, 6], using: &rng), w = Tensor.normal([16, 16, 3, 3], std: 0.2, using: &rng)
        let w2 = Tensor.normal([16, 16, 3, 3], std: 0.2, using: &rng)
        let gamma = Tensor.uniform([16], low: 0.5, high: 1.5, using: &rng)
        let beta = Tensor.normal([16], std: 0.1, using: &rng)
        let running = RunningStatistics(channels: 16)
        let result = try EngineOptions.$winograd.withValue(winograd) {
            try gradientCheck([x, w, gamma, beta, w2], epsilon: 1e-2, maxElements: 48) { v in
                let h = try conv2d(v[0], weight: v[1], padding: 1)
                let n = try batchNorm(h, weight: v[2], bias: v[3], running: running, training: true)
                return try conv2d(n + h, weight: v[4], padding: 1)
            }
        }
        #expect(result.maxError < 1e-2, "\(result)")
    }

    /// Inference reuses weights already transformed into the primitive's layout; changed weights must not be served
    /// from that cache.
    @Test func fusedInferenceSeesChangedWeights() throws {
        let model = ResNet(.resnet10, classes: 2, seed: 1)
        model.eval()
        var rng = SeededGenerator(seed: 9)
        let x = Variable(Tensor.normal([2, 3, 40, 40], using: &rng))
        _ = try withNoGrad { try model(x).value }
        let block = model.layer1.layers[0] as! BasicBlock
        block.conv2.weight.value = block.conv2.weight.value.scaled(by: -0.5)
        block.bn1.running.variance = block.bn1.running.variance.scaled(by: 3)
        let fused = try withNoGrad { try model(x).value }
        let reference = try EngineOptions.$blockedLayouts.withValue(false) { try withNoGrad { try model(x).value } }
        #expect(maxRelativeError(fused, reference) < 1e-3)
    }
}
