import Tensor

/// A node in the computation graph: a value, and (for values that need one) a gradient.
///
/// Operations on variables record how to send an output gradient back to their inputs; `backward()` walks the
/// recorded graph in reverse topological order. Leaves that require gradients (parameters) accumulate into
/// `grad` until `zeroGrad()`; intermediate gradients are freed as soon as they have been propagated.
public final class Variable {
    public var value: Tensor
    public var grad: Tensor?
    /// True for parameters and for every value computed from one while gradients are recorded.
    public let requiresGrad: Bool

    let parents: [Variable]
    /// Given the gradient of the loss with respect to this node, the gradients with respect to each parent
    /// (`nil` where a parent needs none).
    let pullback: ((Tensor) throws -> [Tensor?])?

    /// A leaf: an input (`requiresGrad: false`) or a parameter (`requiresGrad: true`).
    public init(_ value: Tensor, requiresGrad: Bool = false) {
        self.value = value
        self.requiresGrad = requiresGrad
        self.parents = []
        self.pullback = nil
    }

    /// The result of an operation. Records the pullback only while gradients are enabled and some input needs one.
    public init(value: Tensor, parents: [Variable], pullback: @escaping (Tensor) throws -> [Tensor?]) {
        self.value = value
        let record = GradMode.isEnabled && parents.contains { $0.requiresGrad }
        self.requiresGrad = record
        self.parents = record ? parents : []
        self.pullback = record ? pullback : nil
    }

    public var shape: [Int] { value.shape }
    public var isLeaf: Bool { pullback == nil }

    public func zeroGrad() { grad = nil }

    /// Back-propagates from this node. With no seed every element is seeded with 1 (for a scalar loss, dL/dL = 1).
    public func backward(seed: Tensor? = nil) throws {
        let seed = seed ?? Tensor(shape: shape, repeating: 1)
        guard seed.shape == shape else {
            throw EngineError.shape(op: "backward", "seed \(seed.shape) for value \(shape)")
        }
        guard requiresGrad else { return }
        var pending: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): seed]
        for node in topologicalOrder().reversed() {
            guard let g = pending.removeValue(forKey: ObjectIdentifier(node)) else { continue }
            guard let pullback = node.pullback else {
                if node.grad == nil { node.grad = g } else { node.grad!.add(g) }
                continue
            }
            let grads = try pullback(g)
            for (parent, pg) in zip(node.parents, grads) where parent.requiresGrad {
                guard let pg else { continue }
                let key = ObjectIdentifier(parent)
                if pending[key] == nil { pending[key] = pg } else { pending[key]!.add(pg) }
            }
        }
    }

    /// Nodes reachable from this one, every node after all of its parents.
    private func topologicalOrder() -> [Variable] {
        var order: [Variable] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Variable, Bool)] = [(self, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded { order.append(node); continue }
            guard visited.insert(ObjectIdentifier(node)).inserted else { continue }
            stack.append((node, true))
            for parent in node.parents where parent.requiresGrad { stack.append((parent, false)) }
        }
        return order
    }
}

/// Whether operations record the graph. Evaluation and inference run under `withNoGrad`.
public enum GradMode {
    @TaskLocal public static var isEnabled = true
}

/// Runs `body` without recording gradients (inference: no graph, no saved activations).
public func withNoGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$isEnabled.withValue(false, operation: body)
}
