import Autodiff
import Tensor

/// A network layer or a network: a function of one input, with a tree of named parameters, buffers and sub-modules.
///
/// Names follow PyTorch's `state_dict`: a module's own entries by their attribute names, and each child's entries
/// under `<child>.`, so a ResNet's tree reads `conv1.weight`, `bn1.running_mean`, `layer1.0.conv1.weight`,
/// `layer2.0.downsample.1.running_var`, `fc.bias` — the same keys as torchvision's.
public protocol Module: AnyObject {
    func callAsFunction(_ x: Variable) throws -> Variable

    /// Parameters this module owns directly (trained; `requiresGrad`), in registration order.
    var localParameters: [(name: String, variable: Variable)] { get }
    /// Buffers this module owns directly (saved and loaded, not trained).
    var localBuffers: [(name: String, buffer: Buffer)] { get }
    /// Sub-modules, in registration order.
    var children: [(name: String, module: any Module)] { get }

    /// Training mode (batch norm uses the batch's statistics and updates its running ones) or evaluation mode.
    /// Set it for a whole tree with `train()` / `eval()`.
    var isTraining: Bool { get set }
}

extension Module {
    public var localParameters: [(name: String, variable: Variable)] { [] }
    public var localBuffers: [(name: String, buffer: Buffer)] { [] }
    public var children: [(name: String, module: any Module)] { [] }

    /// Every module in the tree with its dotted path (`""` for this one), parents before children.
    public func namedModules() -> [(name: String, module: any Module)] {
        var result: [(name: String, module: any Module)] = [("", self)]
        for (name, child) in children {
            result += child.namedModules().map { (join(name, $0.name), $0.module) }
        }
        return result
    }

    /// Every parameter in the tree by its dotted name, in `state_dict` order.
    public func namedParameters() -> [(name: String, variable: Variable)] {
        namedModules().flatMap { path, module in
            module.localParameters.map { (join(path, $0.name), $0.variable) }
        }
    }

    /// Every buffer in the tree by its dotted name.
    public func namedBuffers() -> [(name: String, buffer: Buffer)] {
        namedModules().flatMap { path, module in
            module.localBuffers.map { (join(path, $0.name), $0.buffer) }
        }
    }

    /// The trainable parameters, for an optimizer.
    public var parameters: [Variable] { namedParameters().map(\.variable) }

    /// Number of trainable scalars (what torchvision's `sum(p.numel() for p in model.parameters())` counts).
    public var parameterCount: Int { namedParameters().reduce(0) { $0 + $1.variable.value.count } }

    /// Puts every module in the tree in training mode.
    public func train() { setTraining(true) }

    /// Puts every module in the tree in evaluation mode.
    public func eval() { setTraining(false) }

    private func setTraining(_ on: Bool) {
        for (_, module) in namedModules() { module.isTraining = on }
    }

    /// Clears the gradients of every parameter.
    public func zeroGrad() {
        for (_, p) in namedParameters() { p.zeroGrad() }
    }
}

/// `a.b`, or just `b` at the root.
func join(_ prefix: String, _ name: String) -> String {
    prefix.isEmpty ? name : name.isEmpty ? prefix : "\(prefix).\(name)"
}
