import Tensor

/// Max pooling as PyTorch's `max_pool2d` (padding counts as -infinity; the first of equal maxima gets the gradient).
public func maxPool2d(_ x: Variable, kernel: Int, stride: Int, padding: Int = 0) throws -> Variable {
    let shape = x.shape
    let (output, argmax) = try maxPool2dForward(x.value, kernel: kernel, stride: stride, padding: padding)
    return Variable(value: output, parents: [x]) { g in
        [try maxPool2dBackward(g, argmax: argmax, inputShape: shape)]
    }
}

/// The mean of each plane: [N, C, H, W] -> [N, C].
public func globalAveragePool(_ x: Variable) throws -> Variable {
    let shape = x.shape
    return Variable(value: try globalAveragePoolForward(x.value), parents: [x]) { g in
        [try globalAveragePoolBackward(g, inputShape: shape)]
    }
}
