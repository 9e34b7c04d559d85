import Tensor

/// Elementwise sum of two variables of equal shape (residual connections).
public func + (lhs: Variable, rhs: Variable) throws -> Variable { try backend.add(lhs, rhs) }

extension PlainBackend {
    func add(_ lhs: Variable, _ rhs: Variable) throws -> Variable {
        let value = try lhs.value.adding(rhs.value)
        return Variable(value: value, parents: [lhs, rhs]) { g in [g, g] }
    }
}

extension BlockedBackend {
    func add(_ lhs: Variable, _ rhs: Variable) throws -> Variable {
        guard lhs.storage.isLayout || rhs.storage.isLayout else { return try PlainBackend().add(lhs, rhs) }
        guard lhs.shape == rhs.shape else { throw EngineError.shape(op: "add", "\(lhs.shape) + \(rhs.shape)") }
        let value = try LayoutOps.add(lhs.storage.layout, rhs.storage.layout)
        return Variable(values: .layout(value), parents: [lhs, rhs]) { g in [g, g] }
    }
}
