import Tensor

/// max(x, 0) elementwise.
public func relu(_ x: Variable) -> Variable {
    let output = reluForward(x.value)
    return Variable(value: output, parents: [x]) { g in [try reluBackward(g, output: output)] }
}
