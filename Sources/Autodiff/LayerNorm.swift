import Foundation
import Tensor

/// `torch.nn.functional.layer_norm` over the last axis: (x - mean) / sqrt(var + epsilon) * weight + bias, with the
/// biased variance of each row; weight and bias [D] for input [..., D]. (torchvision's ViT uses epsilon 1e-6.)
public func layerNorm(_ x: Variable, weight: Variable, bias: Variable, epsilon: Float = 1e-5) throws -> Variable {
    let shape = x.shape
    guard let d = shape.last, d > 0, weight.shape == [d], bias.shape == [d] else {
        throw EngineError.shape(op: "layerNorm", "input \(shape), weight \(weight.shape), bias \(bias.shape): weight and bias must be [last axis]")
    }
    let input = x.value, gamma = weight.value, beta = bias.value
    let rows = input.count / d
    var normalised = Tensor(shape: shape), output = Tensor(shape: shape)
    var inverseDeviation = [Float](repeating: 0, count: rows)
    normalised.withUnsafeMutableBufferPointer { n in
        output.withUnsafeMutableBufferPointer { y in
            input.withUnsafeBufferPointer { x in
                gamma.withUnsafeBufferPointer { w in
                    beta.withUnsafeBufferPointer { b in
                        inverseDeviation.withUnsafeMutableBufferPointer { rstd in
                            for r in 0..<rows {
                                let base = r * d
                                var mean = 0.0
                                for j in 0..<d { mean += Double(x[base + j]) }
                                mean /= Double(d)
                                var variance = 0.0
                                for j in 0..<d { let c = Double(x[base + j]) - mean; variance += c * c }
                                variance /= Double(d)
                                let inv = Float(1 / (variance + Double(epsilon)).squareRoot())
                                rstd[r] = inv
                                let m = Float(mean)
                                for j in 0..<d {
                                    let h = (x[base + j] - m) * inv
                                    n[base + j] = h
                                    y[base + j] = h * w[j] + b[j]
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    return Variable(value: output, parents: [x, weight, bias]) { g in
        // With h the normalised input and e = g * weight: dx = rstd (e - mean(e) - h mean(e h)),
        // dweight = sum over rows of g h, dbias = sum over rows of g.
        var dx = Tensor(shape: shape), dw = Tensor(shape: [d]), db = Tensor(shape: [d])
        dx.withUnsafeMutableBufferPointer { dx in
            dw.withUnsafeMutableBufferPointer { dw in
                db.withUnsafeMutableBufferPointer { db in
                    g.withUnsafeBufferPointer { g in
                        normalised.withUnsafeBufferPointer { h in
                            gamma.withUnsafeBufferPointer { w in
                                inverseDeviation.withUnsafeBufferPointer { rstd in
                                    for r in 0..<rows {
                                        let base = r * d
                                        var meanE: Float = 0, meanEH: Float = 0
                                        for j in 0..<d {
                                            let e = g[base + j] * w[j]
                                            meanE += e
                                            meanEH += e * h[base + j]
                                            dw[j] += g[base + j] * h[base + j]
                                            db[j] += g[base + j]
                                        }
                                        meanE /= Float(d)
                                        meanEH /= Float(d)
                                        for j in 0..<d {
                                            let e = g[base + j] * w[j]
                                            dx[base + j] = rstd[r] * (e - meanE - h[base + j] * meanEH)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return [dx, dw, db]
    }
}
