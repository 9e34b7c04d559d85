import Testing
import Tensor
import Autodiff
@testable import NN
import SeededRandom

/// Optimizer steps on one scalar parameter starting at 1, checked against values worked out by hand
/// (and agreeing with torch.optim to float precision).
@Suite struct OptimizerTests {
    /// Runs `optimizer` for one step per gradient and returns the parameter after each step.
    func trajectory(_ make: ([(name: String, variable: Variable)]) -> any Optimizer, grads: [Float]) throws -> [Float] {
        let p = Variable(Tensor(shape: [1], scalars: [1]), requiresGrad: true)
        let optimizer = make([("p", p)])
        var values: [Float] = []
        for g in grads {
            p.grad = Tensor(shape: [1], scalars: [g])
            try optimizer.step()
            values.append(p.value.scalars[0])
        }
        return values
    }

    func expectClose(_ a: [Float], _ b: [Float], _ tolerance: Float = 1e-6) {
        #expect(a.count == b.count)
        for (x, y) in zip(a, b) { #expect(abs(x - y) <= tolerance, "\(a) vs \(b)") }
    }

    @Test func sgdWithMomentumAndWeightDecay() throws {
        // g1 = 1 + 0.1*1 = 1.1, b1 = 1.1, p1 = 1 - 0.1*1.1 = 0.89
        // g2 = 1 + 0.1*0.89 = 1.089, b2 = 0.9*1.1 + 1.089 = 2.079, p2 = 0.89 - 0.2079 = 0.6821
        let values = try trajectory({ SGD(parameters: $0, learningRate: 0.1, momentum: 0.9, weightDecay: 0.1) }, grads: [1, 1])
        expectClose(values, [0.89, 0.6821])
    }

    @Test func sgdWithNesterovMomentum() throws {
        // g1 = 1.1, b1 = 1.1, step 1.1 + 0.9*1.1 = 2.09, p1 = 0.791
        // g2 = 1 + 0.0791 = 1.0791, b2 = 0.99 + 1.0791 = 2.0691, step 1.0791 + 0.9*2.0691 = 2.94129, p2 = 0.496871
        let values = try trajectory({
            SGD(parameters: $0, learningRate: 0.1, momentum: 0.9, weightDecay: 0.1, nesterov: true)
        }, grads: [1, 1])
        expectClose(values, [0.791, 0.496871])
    }

    @Test func plainSGDSkipsParametersWithoutGradient() throws {
        let p = Variable(Tensor(shape: [2], scalars: [1, 2]), requiresGrad: true)
        let q = Variable(Tensor(shape: [1], scalars: [5]), requiresGrad: true)
        let sgd = SGD(parameters: [("p", p), ("q", q)], learningRate: 0.5)
        p.grad = Tensor(shape: [2], scalars: [1, -2])
        try sgd.step()
        #expect(p.value.scalars == [0.5, 3])
        #expect(q.value.scalars == [5])
    }

    @Test func adam() throws {
        // t=1, g=0.5: m = 0.05, v = 0.00025, p -= (0.1/0.1) * 0.05 / (sqrt(0.00025)/sqrt(0.001)) = 0.1 -> 0.9
        // t=2, g=-0.5: m = -0.005, v = 0.00049975, v/(1-0.999^2) = 0.25 exactly, so the denominator is 0.5;
        //   p -= 0.1/0.19 * (-0.005/0.5) -> 0.9 + 0.1/19 = 0.9052632
        let values = try trajectory({ Adam(parameters: $0, learningRate: 0.1) }, grads: [0.5, -0.5])
        expectClose(values, [0.9, 0.9 + 0.1 / 19])
    }

    @Test func adamWDecaysTheWeightsBeforeTheStep() throws {
        // p1 = 1 * (1 - 0.1*0.1) - 0.1 = 0.89; p2 = 0.89 * 0.99 + 0.1/19 = 0.8863632
        let values = try trajectory({ Adam.adamW(parameters: $0, learningRate: 0.1, weightDecay: 0.1) }, grads: [0.5, -0.5])
        expectClose(values, [0.89, 0.8811 + 0.1 / 19])
    }

    @Test func adamWithL2DecayAddsItToTheGradient() throws {
        // t=1: g = 0.6; Adam's first step moves by lr whatever the gradient's size: 0.9.
        // t=2: g = -0.5 + 0.09 = -0.41, m = 0.9*0.06 - 0.1*0.41 = 0.013, v = 0.999*0.00036 + 0.001*0.1681 = 0.00052774
        //   p = 0.9 - (0.1/0.19) * 0.013 / (sqrt(0.00052774/0.001999) + 1e-8)
        let expected2 = 0.9 - (0.1 / 0.19) * 0.013 / ((0.00052774 / 0.001999).squareRoot() + 1e-8)
        let values = try trajectory({ Adam(parameters: $0, learningRate: 0.1, weightDecay: 0.1) }, grads: [0.5, -0.5])
        expectClose(values, [0.9, Float(expected2)])
    }

    @Test func stateRoundTripContinuesIdentically() throws {
        for make in [
            { (ps: [(name: String, variable: Variable)]) -> any Optimizer in SGD(parameters: ps, learningRate: 0.1, momentum: 0.9) },
            { (ps: [(name: String, variable: Variable)]) -> any Optimizer in Adam.adamW(parameters: ps, learningRate: 0.1) },
        ] {
            let straight = try trajectory(make, grads: [0.5, -0.3, 0.2, 0.7])
            // Two steps, save, rebuild from the saved parameter and state, two more steps.
            let p = Variable(Tensor(shape: [1], scalars: [1]), requiresGrad: true)
            let first = make([("p", p)])
            for g: Float in [0.5, -0.3] { p.grad = Tensor(shape: [1], scalars: [g]); try first.step() }
            let saved = try SafeTensors(data: first.state().encoded())
            let q = Variable(p.value, requiresGrad: true)
            let second = make([("p", q)])
            try second.loadState(saved, source: "state")
            var resumed: [Float] = []
            for g: Float in [0.2, 0.7] {
                q.grad = Tensor(shape: [1], scalars: [g]); try second.step(); resumed.append(q.value.scalars[0])
            }
            #expect(resumed == Array(straight.suffix(2)))
        }
    }

    @Test func stateForAnotherModelIsRefused() throws {
        let p = Variable(Tensor(shape: [2], scalars: [1, 1]), requiresGrad: true)
        let sgd = SGD(parameters: [("a.weight", p)], learningRate: 0.1, momentum: 0.9)
        p.grad = Tensor(shape: [2], scalars: [1, 1])
        try sgd.step()
        let other = SGD(parameters: [("b.weight", p)], learningRate: 0.1, momentum: 0.9)
        #expect { try other.loadState(sgd.state(), source: "opt.safetensors") } throws: {
            "\($0)".contains("a.weight.momentum_buffer") && "\($0)".contains("opt.safetensors")
        }
        let adam = Adam(parameters: [("a.weight", p)])
        #expect { try adam.loadState(sgd.state(), source: "opt.safetensors") } throws: { "\($0)".contains("SGD") }
        let wrongShape = SGD(parameters: [("a.weight", Variable(Tensor.zeros([3]), requiresGrad: true))], learningRate: 0.1, momentum: 0.9)
        #expect { try wrongShape.loadState(sgd.state(), source: "o") } throws: { "\($0)".contains("[3]") }
    }

    /// The fused, parallel update on parameters large enough to be split between threads, against the formulation
    /// written out element by element; also checks that the step leaves the gradient and saved state untouched.
    @Test(arguments: [(Float(0), Float(0), false), (0.9, 0.01, false), (0.9, 0.01, true), (0, 0.01, false)])
    func sgdOnLargeParametersMatchesTheFormula(_ momentum: Float, _ decay: Float, _ nesterov: Bool) throws {
        var rng = SeededGenerator(seed: 4)
        let count = 200_003
        let start = Tensor.normal([count], using: &rng)
        let p = Variable(start, requiresGrad: true)
        let sgd = SGD(parameters: [("p", p)], learningRate: 0.05, momentum: momentum, weightDecay: decay,
                      nesterov: nesterov)
        var w = start.scalars, buffer: [Float]? = nil
        var saved: SafeTensors? = nil, firstBuffer: [Float]? = nil
        for step in 0..<3 {
            let grad = Tensor.normal([count], using: &rng)
            p.grad = grad
            try sgd.step()
            #expect(p.grad == grad, "the step must not change the gradient")
            for k in 0..<count {
                var g = grad.scalars[k]
                if decay != 0 { g += decay * w[k] }
                if momentum != 0 {
                    if buffer == nil { buffer = Array(repeating: 0, count: count) }
                    buffer![k] = step == 0 ? g : momentum * buffer![k] + g
                    g = nesterov ? g + momentum * buffer![k] : buffer![k]
                }
                w[k] -= 0.05 * g
            }
            #expect(p.value.scalars == w, "step \(step)")
            if step == 0 { (saved, firstBuffer) = (sgd.state(), buffer) }
        }
        if momentum != 0 {
            // State taken after the first step is not changed by the in-place updates of later steps.
            guard case let .float32(b)? = saved?.tensors["p.momentum_buffer"] else {
                Issue.record("no momentum buffer in the saved state")
                return
            }
            #expect(b.scalars == firstBuffer)
        }
    }
}
