import Tensor

/// A node in the computation graph: a value, and (for values that need one) a gradient.
///
/// Operations on variables record how to send an output gradient back to their inputs; `backward()` walks the
/// recorded graph in reverse topological order. Leaves that require gradients (parameters) accumulate into
/// `grad` until `zeroGrad()`; intermediate gradients are freed as soon as they have been propagated, and so is each
/// node's pullback with the values it captured (as PyTorch frees its graph): a second `backward()` through the
/// same graph throws.
///
/// Inside a network a value (and a gradient) may be a `LayoutTensor` in oneDNN's blocked layout, passed from layer
/// to layer without reordering; `value` always reads as a plain row-major `Tensor`.
public final class Variable {
    /// The value as the operation that made it left it.
    var storage: Values

    /// The value in row-major order (converted from a blocked layout on each read; parameters and inputs are plain).
    public var value: Tensor {
        get { storage.plain }
        _modify {
            var t = storage.plain
            storage = .plain(Tensor(shape: [0]))  // keeps `t` uniquely referenced while the caller mutates it
            defer { storage = .plain(t) }
            yield &t
        }
        set { storage = .plain(newValue) }
    }

    public var grad: Tensor?
    /// True for parameters and for every value computed from one while gradients are recorded.
    public let requiresGrad: Bool

    /// The inputs of the operation that made this node; emptied (with `pullback`) once `backward()` has passed it.
    private(set) var parents: [Variable]
    /// Given the gradient of the loss with respect to this node, the gradients with respect to each parent
    /// (`nil` where a parent needs none). Released after use: it holds the weights and activations the operation
    /// saved, and a weight still shared with a live graph would make the optimizer's in-place update copy it.
    private(set) var pullback: ((Values) throws -> [Values?])?
    /// An input or parameter (no operation made it, or none was recorded).
    public let isLeaf: Bool

    /// A leaf: an input (`requiresGrad: false`) or a parameter (`requiresGrad: true`).
    public init(_ value: Tensor, requiresGrad: Bool = false) {
        self.storage = .plain(value)
        self.requiresGrad = requiresGrad
        self.parents = []
        self.pullback = nil
        self.isLeaf = true
    }

    /// The result of an operation. Records the pullback only while gradients are enabled and some input needs one.
    public convenience init(value: Tensor, parents: [Variable], pullback: @escaping (Tensor) throws -> [Tensor?]) {
        self.init(values: .plain(value), parents: parents) { g in try pullback(g.plain).map { $0.map(Values.plain) } }
    }

    /// The result of an operation whose value and gradients may be in a blocked layout.
    init(values: Values, parents: [Variable], pullback: @escaping (Values) throws -> [Values?]) {
        self.storage = values
        let record = GradMode.isEnabled && parents.contains { $0.requiresGrad }
        self.requiresGrad = record
        self.parents = record ? parents : []
        self.pullback = record ? pullback : nil
        self.isLeaf = !record
    }

    public var shape: [Int] { storage.shape }

    public func zeroGrad() { grad = nil }

    /// Back-propagates from this node. With no seed every element is seeded with 1 (for a scalar loss, dL/dL = 1).
    public func backward(seed: Tensor? = nil) throws {
        let seed = seed ?? Tensor(shape: shape, repeating: 1)
        guard seed.shape == shape else {
            throw EngineError.shape(op: "backward", "seed \(seed.shape) for value \(shape)")
        }
        guard requiresGrad else { return }
        var pending: [ObjectIdentifier: Values] = [ObjectIdentifier(self): .plain(seed)]
        for node in topologicalOrder().reversed() {
            guard let g = pending.removeValue(forKey: ObjectIdentifier(node)) else { continue }
            if node.isLeaf {
                let plain = g.plain
                if node.grad == nil { node.grad = plain } else { node.grad!.add(plain) }
                continue
            }
            guard let pullback = node.pullback else {
                throw EngineError.invalidArgument(op: "backward", "the graph of this value \(node.shape) was "
                    + "released by an earlier backward(); compute it again to differentiate again")
            }
            let parents = node.parents
            let grads = try pullback(g)
            node.pullback = nil
            node.parents = []
            for (parent, pg) in zip(parents, grads) where parent.requiresGrad {
                guard let pg else { continue }
                let key = ObjectIdentifier(parent)
                if let earlier = pending[key] { pending[key] = try earlier.adding(pg) } else { pending[key] = pg }
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

/// A value or gradient: a plain tensor, or a layout tensor kept in oneDNN's layout between layers.
enum Values {
    case plain(Tensor)
    case layout(LayoutTensor)

    var shape: [Int] {
        switch self {
        case let .plain(t): t.shape
        case let .layout(l): l.shape
        }
    }

    /// Row-major values. A reorder cannot fail for a tensor the engine made; if it does, that is a bug.
    var plain: Tensor {
        switch self {
        case let .plain(t): return t
        case let .layout(l):
            do { return try l.plain() } catch { preconditionFailure("reorder to plain failed: \(error)") }
        }
    }

    /// As a layout tensor (a plain tensor is copied into one).
    var layout: LayoutTensor {
        switch self {
        case let .plain(t): LayoutTensor(t)
        case let .layout(l): l
        }
    }

    var isLayout: Bool { if case .layout = self { true } else { false } }

    /// The sum of two gradients.
    func adding(_ other: Values) throws -> Values {
        switch (self, other) {
        case (.plain(var a), .plain(let b)):
            a.add(b)
            return .plain(a)
        default:
            return .layout(try LayoutOps.add(layout, other.layout))
        }
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

/// How the engine runs networks. `blockedLayouts` (the default) keeps activations in oneDNN's layouts and fuses
/// layers; off, every operation runs the plain reference kernels on row-major tensors (what tests compare against).
/// Only `backend` (Backend.swift) reads it: the operations ask the backend it chooses.
/// `winograd` (on by default) lets 3x3 stride-1 convolutions use Winograd F(4x4, 3x3) (blocked layouts only):
/// about 2x faster there, with rounding errors ~1e-5 relative in outputs (tests bound them against direct).
public enum EngineOptions {
    @TaskLocal public static var blockedLayouts = true
    @TaskLocal public static var winograd = true
    /// Fold batch norm into the convolution before it, and fuse ReLU and residual additions, in evaluation mode
    /// without gradients (blocked layouts only).
    @TaskLocal public static var fuseInference = true
    /// The arithmetic of fused inference convolutions (`InferencePrecision`); int8 needs the network calibrated.
    @TaskLocal public static var precision = InferencePrecision.fp32
    /// The arithmetic of training's convolutions (blocked layouts; bf16 runs them direct: oneDNN has no bf16
    /// Winograd).
    @TaskLocal public static var trainingPrecision = TrainingPrecision.fp32
    /// Fused inference records the range of every convolution's input (int8 calibration), in fp32.
    @TaskLocal public static var calibrating = false

    static var algorithm: ConvolutionAlgorithm { winograd ? .winograd : .direct }
}
