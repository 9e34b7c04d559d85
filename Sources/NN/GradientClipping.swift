import Autodiff
import Tensor

/// Scales all gradients together so their global L2 norm is at most `maxNorm` (PyTorch's `clip_grad_norm_`:
/// factor `maxNorm / (norm + 1e-6)` when that is below 1). Returns the norm before clipping. Parameters without a
/// gradient are ignored.
@discardableResult
public func clipGradientNorm(_ parameters: [Variable], maxNorm: Float) -> Float {
    let sumOfSquares = parameters.reduce(0.0) { $0 + ($1.grad?.sumOfSquares ?? 0) }
    let norm = Float(sumOfSquares.squareRoot())
    let factor = maxNorm / (norm + 1e-6)
    if factor < 1 {
        for p in parameters where p.grad != nil {
            p.grad = p.grad!.scaled(by: factor)
        }
    }
    return norm
}
