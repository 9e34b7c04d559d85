import Autodiff
import Foundation
import Tensor

/// Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019) in PyTorch's formulation. With `decoupled`
/// weight decay (AdamW) the parameters shrink by `1 - lr * weightDecay` before the step; without it (Adam) the
/// decay is added to the gradient as an L2 term.
///
///     m = beta1 m + (1 - beta1) g,  v = beta2 v + (1 - beta2) g^2
///     p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + epsilon)
public final class Adam: Optimizer {
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    public let decoupled: Bool
    public let parameters: [(name: String, variable: Variable)]
    public var learningRateScales: [Float]
    private var firstMoments: [Tensor?]
    private var secondMoments: [Tensor?]
    private var steps: [Int]

    public init(parameters: [(name: String, variable: Variable)], learningRate: Float = 1e-3, beta1: Float = 0.9,
                beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0, decoupled: Bool = false) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupled = decoupled
        learningRateScales = Array(repeating: 1, count: parameters.count)
        firstMoments = Array(repeating: nil, count: parameters.count)
        secondMoments = Array(repeating: nil, count: parameters.count)
        steps = Array(repeating: 0, count: parameters.count)
    }

    /// AdamW: Adam with decoupled weight decay (PyTorch's default decay 0.01).
    public static func adamW(parameters: [(name: String, variable: Variable)], learningRate: Float = 1e-3,
                             beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                             weightDecay: Float = 0.01) -> Adam {
        Adam(parameters: parameters, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
             weightDecay: weightDecay, decoupled: true)
    }

    public func step() throws {
        let b1 = Double(beta1), b2 = Double(beta2)
        let eps = epsilon, decay = weightDecay
        for (i, (_, p)) in parameters.enumerated() {
            guard var g = p.grad else { continue }
            let lr = Double(learningRate * learningRateScales[i])
            steps[i] += 1
            let t = Double(steps[i])
            if decoupled {
                if decay != 0 {
                    let shrink = Float(1 - lr * Double(decay))
                    p.value.withUnsafeMutableBufferPointer { w in for k in 0..<w.count { w[k] *= shrink } }
                }
            } else if decay != 0 {
                g.withUnsafeMutableBufferPointer { g in
                    p.value.withUnsafeBufferPointer { w in for k in 0..<g.count { g[k] += decay * w[k] } }
                }
            }
            var m = firstMoments[i] ?? Tensor(shape: g.shape)
            var v = secondMoments[i] ?? Tensor(shape: g.shape)
            let w1 = Float(1 - b1), beta2 = Float(b2), w2 = Float(1 - b2)
            let stepSize = Float(lr / (1 - pow(b1, t)))
            let correction2 = Float((1 - pow(b2, t)).squareRoot())
            m.withUnsafeMutableBufferPointer { m in
                v.withUnsafeMutableBufferPointer { v in
                    g.withUnsafeBufferPointer { g in
                        p.value.withUnsafeMutableBufferPointer { w in
                            for k in 0..<w.count {
                                m[k] += w1 * (g[k] - m[k])          // PyTorch's lerp
                                v[k] = v[k] * beta2 + w2 * g[k] * g[k]
                                let denominator = v[k].squareRoot() / correction2 + eps
                                w[k] -= stepSize * (m[k] / denominator)
                            }
                        }
                    }
                }
            }
            firstMoments[i] = m
            secondMoments[i] = v
        }
    }

    private var slots: OptimizerSlots {
        OptimizerSlots(kind: decoupled ? "AdamW" : "Adam", names: parameters.map(\.name),
                       shapes: parameters.map(\.variable.shape))
    }

    public func state() -> SafeTensors {
        slots.encode(["exp_avg": firstMoments, "exp_avg_sq": secondMoments], steps: steps)
    }

    public func loadState(_ state: SafeTensors, source: String) throws {
        let (values, counts) = try slots.decode(state, slots: ["exp_avg", "exp_avg_sq"], steps: true, source: source)
        firstMoments = values["exp_avg"]!
        secondMoments = values["exp_avg_sq"]!
        steps = counts
    }
}
