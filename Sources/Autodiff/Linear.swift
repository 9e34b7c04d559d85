import Tensor

/// Fully connected layer as PyTorch's `linear`: x [N, in], weight [out, in], bias [out] or nil -> [N, out].
public func linear(_ x: Variable, weight: Variable, bias: Variable? = nil) throws -> Variable {
    let input = x.value, w = weight.value
    let output = try linearForward(input, weight: w, bias: bias?.value)
    let parents = [x, weight] + (bias.map { [$0] } ?? [])
    return Variable(value: output, parents: parents) { g in
        let grads = try linearBackward(g, input: input, weight: w, withBias: bias != nil)
        return [grads.input, grads.weight, grads.bias]
    }
}
