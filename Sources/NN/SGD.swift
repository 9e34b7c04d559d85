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
    }

    public func step() throws {
        let lr = learningRate, mu = momentum, decay = weightDecay, keep = 1 - dampening, nesterov = nesterov
        for (i, (_, p)) in parameters.enumerated() {
            guard var g = p.grad else { continue }
            if decay != 0 {
                g.withUnsafeMutableBufferPointer { g in
                    p.value.withUnsafeBufferPointer { w in for k in 0..<g.count { g[k] += decay * w[k] } }
                }
            }
            if mu != 0 {
                if momentumBuffers[i] != nil {
                    // In place: a local copy of the buffer would make the update copy it (copy-on-write).
                    momentumBuffers[i]!.withUnsafeMutableBufferPointer { b in
                        g.withUnsafeBufferPointer { g in for k in 0..<b.count { b[k] = mu * b[k] + keep * g[k] } }
                    }
                } else {
                    momentumBuffers[i] = g
                }
                let b = momentumBuffers[i]!
                if nesterov {
                    g.withUnsafeMutableBufferPointer { g in
                        b.withUnsafeBufferPointer { b in for k in 0..<g.count { g[k] += mu * b[k] } }
                    }
                } else {
                    g = b
                }
            }
            p.value.withUnsafeMutableBufferPointer { w in
                g.withUnsafeBufferPointer { g in for k in 0..<w.count { w[k] -= lr * g[k] } }
            }
        }
    }

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
