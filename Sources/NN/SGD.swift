import Autodiff
import Tensor

/// Stochastic gradient descent with momentum, Nesterov momentum and L2 weight decay, in PyTorch's formulation:
///
///     g = grad + weightDecay * p
///     b = g (first step), else momentum * b + (1 - dampening) * g
///     g = g + momentum * b (Nesterov), else b
///     p = p - lr * g
public final class SGD: Optimizer {
    public var learningRate: Float
    public let momentum: Float
    public let dampening: Float
    public let weightDecay: Float
    public let nesterov: Bool
    public let parameters: [(name: String, variable: Variable)]
    public var learningRateScales: [Float]
    private var momentumBuffers: [Tensor?]

    public init(parameters: [(name: String, variable: Variable)], learningRate: Float, momentum: Float = 0,
                dampening: Float = 0, weightDecay: Float = 0, nesterov: Bool = false) {
        precondition(!nesterov || (momentum > 0 && dampening == 0), "SGD: Nesterov momentum needs momentum > 0 and no dampening")
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        momentumBuffers = Array(repeating: nil, count: parameters.count)
        learningRateScales = Array(repeating: 1, count: parameters.count)
    }

    public func step() throws {
        let mu = momentum, decay = weightDecay, keep = 1 - dampening, nesterov = nesterov
        for (i, (_, p)) in parameters.enumerated() {
            guard let g = p.grad else { continue }
            let lr = learningRate * learningRateScales[i]
            if mu == 0 {
                p.value.withUnsafeMutableBufferPointer { w in
                    g.withUnsafeBufferPointer { g in
                        let (w, g) = (Shared(w), Shared(g))
                        Parallel.forEach(w.count, grain: grain) { range in
                            for k in range { w[k] -= lr * (decay != 0 ? g[k] + decay * w[k] : g[k]) }
                        }
                    }
                }
                continue
            }
            guard momentumBuffers[i] != nil else {
                // PyTorch's first step: the buffer starts as the (decayed) gradient.
                var d = g
                if decay != 0 {
                    d.withUnsafeMutableBufferPointer { d in
                        p.value.withUnsafeBufferPointer { w in for k in 0..<d.count { d[k] += decay * w[k] } }
                    }
                }
                momentumBuffers[i] = d
                p.value.withUnsafeMutableBufferPointer { w in
                    d.withUnsafeBufferPointer { d in
                        let (w, d) = (Shared(w), Shared(d))
                        Parallel.forEach(w.count, grain: grain) { range in
                            for k in range { w[k] -= lr * (nesterov ? d[k] + mu * d[k] : d[k]) }
                        }
                    }
                }
                continue
            }
            // One pass over weight, gradient and momentum buffer, updated in place (no copies), with the arithmetic
            // of the formulation above in the same order.
            p.value.withUnsafeMutableBufferPointer { w in
                momentumBuffers[i]!.withUnsafeMutableBufferPointer { b in
                    g.withUnsafeBufferPointer { g in
                        let (w, b, g) = (Shared(w), Shared(b), Shared(g))
                        Parallel.forEach(w.count, grain: grain) { range in
                            for k in range {
                                let d = decay != 0 ? g[k] + decay * w[k] : g[k]
                                let buffer = mu * b[k] + keep * d
                                b[k] = buffer
                                w[k] -= lr * (nesterov ? d + mu * buffer : buffer)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Elements per thread below which a loop stays on one thread (a parallel region costs more).
    private let grain = 1 << 15

    private var slots: OptimizerSlots {
        OptimizerSlots(kind: "SGD", names: parameters.map(\.name), shapes: parameters.map(\.variable.shape))
    }

    public func state() -> SafeTensors {
        slots.encode(["momentum_buffer": momentumBuffers])
    }

    public func loadState(_ state: SafeTensors, source: String) throws {
        let (values, _) = try slots.decode(state, slots: ["momentum_buffer"], steps: false, source: source)
        momentumBuffers = values["momentum_buffer"]!
    }
}

/// A buffer the optimizer's parallel loops read, or write in disjoint ranges.
private struct Shared: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>
    let count: Int
    init(_ b: UnsafeMutableBufferPointer<Float>) { (base, count) = (b.baseAddress!, b.count) }
    init(_ b: UnsafeBufferPointer<Float>) { (base, count) = (UnsafeMutablePointer(mutating: b.baseAddress!), b.count) }
    subscript(k: Int) -> Float {
        get { base[k] }
        nonmutating set { base[k] = newValue }
    }
}
