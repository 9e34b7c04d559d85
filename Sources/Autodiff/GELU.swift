import Foundation
import Tensor

/// The Gaussian error linear unit in its exact (erf) form, PyTorch's default `nn.GELU()`:
/// x Φ(x) = x (1 + erf(x / √2)) / 2, with derivative Φ(x) + x φ(x).
public func gelu(_ x: Variable) -> Variable {
    let input = x.value
    var output = input
    output.withUnsafeMutableBufferPointer { y in
        for i in 0..<y.count { let v = y[i]; y[i] = 0.5 * v * (1 + erff(v * Float(0.5).squareRoot())) }
    }
    return Variable(value: output, parents: [x]) { g in
        var grad = g
        grad.withUnsafeMutableBufferPointer { d in
            input.withUnsafeBufferPointer { x in
                let inverseRootTwoPi = Float(1 / (2 * Double.pi).squareRoot())
                for i in 0..<d.count {
                    let v = x[i]
                    let cdf = 0.5 * (1 + erff(v * Float(0.5).squareRoot()))
                    let pdf = inverseRootTwoPi * expf(-0.5 * v * v)
                    d[i] *= cdf + v * pdf
                }
            }
        }
        return [grad]
    }
}
