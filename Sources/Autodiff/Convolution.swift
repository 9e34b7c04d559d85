import Tensor

/// 2-D convolution as PyTorch's `conv2d` (NCHW; weight [O, C, kH, kW]; bias [O] or nil) on oneDNN.
public func conv2d(_ x: Variable, weight: Variable, bias: Variable? = nil, stride: Int = 1, padding: Int = 0) throws
    -> Variable
{
    let input = x.value, w = weight.value
    let output = try conv2dForward(input, weight: w, bias: bias?.value, stride: stride, padding: padding)
    let parents = [x, weight] + (bias.map { [$0] } ?? [])
    return Variable(value: output, parents: parents) { g in
        let gradInput = x.requiresGrad
            ? try conv2dBackwardData(g, weight: w, inputShape: input.shape, stride: stride, padding: padding) : nil
        let needBias = bias?.requiresGrad ?? false
        guard weight.requiresGrad || needBias else { return [gradInput, nil, nil] }
        let grads = try conv2dBackwardWeights(g, input: input, weightShape: w.shape, withBias: needBias,
                                              stride: stride, padding: padding)
        return [gradInput, grads.weight, grads.bias]
    }
}
