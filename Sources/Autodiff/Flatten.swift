import Tensor

/// [N, ...] -> [N, product of the rest].
public func flatten(_ x: Variable) throws -> Variable {
    let shape = x.shape
    guard shape.count >= 1, shape[0] > 0 else {
        throw EngineError.shape(op: "flatten", "input \(shape): needs a non-empty batch axis")
    }
    let output = try x.value.reshaped([shape[0], shape.dropFirst().reduce(1, *)])
    return Variable(value: output, parents: [x]) { g in [try g.reshaped(shape)] }
}
