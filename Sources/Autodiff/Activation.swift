import Tensor

/// max(x, 0) elementwise.
public func relu(_ x: Variable) -> Variable {
    if EngineOptions.blockedLayouts, case let .layout(input) = x.storage {
        let output: LayoutTensor
        do { output = try LayoutOps.relu(input, training: GradMode.isEnabled && x.requiresGrad) } catch {
            preconditionFailure("relu on \(input.shape): \(error)")  // a oneDNN failure on a valid shape is a bug
        }
        return Variable(values: .layout(output), parents: [x]) { g in
            [.layout(try LayoutOps.reluBackward(g.layout, output: output))]
        }
    }
    let output = reluForward(x.value)
    return Variable(value: output, parents: [x]) { g in [try reluBackward(g, output: output)] }
}
