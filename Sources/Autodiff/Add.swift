import Tensor

/// Elementwise sum of two variables of equal shape (residual connections).
public func + (lhs: Variable, rhs: Variable) throws -> Variable {
    let value = try lhs.value.adding(rhs.value)
    return Variable(value: value, parents: [lhs, rhs]) { g in [g, g] }
}
