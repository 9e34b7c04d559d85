import Tensor

/// Max pooling as PyTorch's `max_pool2d` (padding counts as -infinity; the first of equal maxima gets the gradient).
public func maxPool2d(_ x: Variable, kernel: Int, stride: Int, padding: Int = 0) throws -> Variable {
    try backend.maxPool2d(x, kernel: kernel, stride: stride, padding: padding)
}

extension PlainBackend {
    func maxPool2d(_ x: Variable, kernel: Int, stride: Int, padding: Int) throws -> Variable {
        let shape = x.shape
        let (output, argmax) = try maxPool2dForward(x.value, kernel: kernel, stride: stride, padding: padding)
        return Variable(value: output, parents: [x]) { g in
            [try maxPool2dBackward(g, argmax: argmax, inputShape: shape)]
        }
    }
}

extension BlockedBackend {
    func maxPool2d(_ x: Variable, kernel: Int, stride: Int, padding: Int) throws -> Variable {
        guard case let .layout(input) = x.storage else {
            return try PlainBackend().maxPool2d(x, kernel: kernel, stride: stride, padding: padding)
        }
        let training = GradMode.isEnabled && x.requiresGrad
        let (output, workspace) = try LayoutOps.maxPool2d(input, kernel: kernel, stride: stride, padding: padding,
                                                          training: training)
        return Variable(values: .layout(output), parents: [x]) { g in
            [.layout(try LayoutOps.maxPool2dBackward(g.layout, input: input, kernel: kernel, stride: stride,
                                                     padding: padding, workspace: workspace!))]
        }
    }
}

/// The mean of each plane: [N, C, H, W] -> [N, C]. (The network's edge: a blocked input is reordered to plain.)
public func globalAveragePool(_ x: Variable) throws -> Variable {
    let shape = x.shape
    return Variable(value: try globalAveragePoolForward(x.value), parents: [x]) { g in
        [try globalAveragePoolBackward(g, inputShape: shape)]
    }
}
