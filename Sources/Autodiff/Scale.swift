import Tensor

/// `x * factor` for a constant factor (attention's 1/√(head dimension)).
public func * (x: Variable, factor: Float) -> Variable {
    Variable(value: x.value.scaled(by: factor), parents: [x]) { g in [g.scaled(by: factor)] }
}
