import Tensor

/// max(x, 0) elementwise.
public func relu(_ x: Variable) -> Variable { backend.relu(x) }

extension PlainBackend {
    func relu(_ x: Variable) -> Variable {
        let output = reluForward(x.value)
        return Variable(value: output, parents: [x]) { g in [try reluBackward(g, output: output)] }
    }
}

extension BlockedBackend {
    func relu(_ x: Variable) -> Variable {
        guard case let .layout(input) = x.storage else { return PlainBackend().relu(x) }
        let output: LayoutTensor
        do { output = try LayoutOps.relu(input, training: GradMode.isEnabled && x.requiresGrad) } catch {
            preconditionFailure("relu on \(input.shape): \(error)")  // a oneDNN failure on a valid shape is a bug
        }
        return Variable(values: .layout(output), parents: [x]) { g in
            [.layout(try LayoutOps.reluBackward(g.layout, output: output))]
        }
    }
}
