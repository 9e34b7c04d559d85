import Tensor

/// 2-D convolution as PyTorch's `conv2d` (NCHW; weight [O, C, kH, kW]; bias [O] or nil) on oneDNN.
/// On blocked layouts (`BlockedBackend`) the output (and the input's gradient) stays in the primitive's layout.
public func conv2d(_ x: Variable, weight: Variable, bias: Variable? = nil, stride: Int = 1, padding: Int = 0) throws
    -> Variable
{
    try backend.conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding)
}

extension PlainBackend {
    /// The reference path: plain NCHW tensors, reordered around each oneDNN call.
    func conv2d(_ x: Variable, weight: Variable, bias: Variable?, stride: Int, padding: Int) throws -> Variable {
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
}

extension BlockedBackend {
    /// A plain input is copied into a layout tensor; the output is in the layout the primitive chose.
    func conv2d(_ x: Variable, weight: Variable, bias: Variable?, stride: Int, padding: Int) throws -> Variable {
        let input = x.storage.layout, w = weight.value
        let parents = [x, weight] + (bias.map { [$0] } ?? [])
        let recording = GradMode.isEnabled && parents.contains { $0.requiresGrad }
        // The training precision applies where gradients are recorded; evaluation without them stays fp32.
        let precision = recording ? EngineOptions.trainingPrecision.convolution : .fp32
        // Winograd in the backward passes too: on ResNet-18 at 200x200 batch 20 (1 thread, best of 4 steps, oneDNN
        // verbose timings) its backward-data took 159 ms against 261 ms direct for the 3x3 stride-1 convolutions,
        // and its backward-weights 192 ms against 299 ms. oneDNN has no bf16 Winograd.
        let algorithm = precision == .fp32 ? EngineOptions.algorithm : .direct
        let weights = ConvolutionWeights(w)
        let output = try LayoutOps.conv2dForward(input, weights: weights, bias: bias?.value, stride: stride,
                                                 padding: padding, algorithm: algorithm, training: recording,
                                                 precision: precision)
        return Variable(values: .layout(output), parents: parents) { g in
            let dy = g.layout
            let gradInput = x.requiresGrad
                ? Values.layout(try LayoutOps.conv2dBackwardData(dy, weights: weights, inputShape: input.shape,
                                                                 stride: stride, padding: padding,
                                                                 algorithm: algorithm, precision: precision))
                : nil
            let needBias = bias?.requiresGrad ?? false
            guard weight.requiresGrad || needBias else { return [gradInput, nil, nil] }
            let grads = try LayoutOps.conv2dBackwardWeights(dy, input: input, weightShape: w.shape,
                                                            withBias: needBias, stride: stride, padding: padding,
                                                            algorithm: algorithm, precision: precision)
            return [gradInput, .plain(grads.weight), grads.bias.map(Values.plain)]
        }
    }
}
