import Foundation
@testable import Tensor
import SeededRandom

// Slow, obviously-correct references for the fast kernels: naive loops straight from the definitions, in Double.

/// Largest |a - b| relative to max(1, largest |b|).
func maxRelativeDifference(_ a: Tensor, _ b: Tensor) -> Double {
    precondition(a.shape == b.shape, "compare \(a.shape) with \(b.shape)")
    let scale = max(1, b.scalars.map { abs(Double($0)) }.max() ?? 0)
    var worst = 0.0
    for i in 0..<a.count { worst = max(worst, abs(Double(a.scalars[i]) - Double(b.scalars[i])) / scale) }
    return worst
}

func randomTensor(_ shape: [Int], seed: UInt64) -> Tensor {
    var rng = SeededGenerator(seed: seed)
    return Tensor.normal(shape, using: &rng)
}

enum Reference {
    static func conv2d(_ x: Tensor, _ w: Tensor, _ b: Tensor?, stride s: Int, padding p: Int) -> Tensor {
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (o, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
        let ho = (h + 2 * p - kh) / s + 1, wo = (wd + 2 * p - kw) / s + 1
        var y = Tensor(shape: [n, o, ho, wo])
        for i in 0..<n { for oc in 0..<o { for oy in 0..<ho { for ox in 0..<wo {
            var sum = Double(b?[oc] ?? 0)
            for ic in 0..<c { for ky in 0..<kh { for kx in 0..<kw {
                let iy = oy * s - p + ky, ix = ox * s - p + kx
                if iy >= 0 && iy < h && ix >= 0 && ix < wd {
                    sum += Double(x[i, ic, iy, ix]) * Double(w[oc, ic, ky, kx])
                }
            } } }
            y[i, oc, oy, ox] = Float(sum)
        } } } }
        return y
    }

    /// Input, weight and bias gradients of `conv2d` by scattering each output gradient back along the sum.
    static func conv2dBackward(_ dy: Tensor, _ x: Tensor, _ w: Tensor, stride s: Int, padding p: Int)
        -> (input: Tensor, weight: Tensor, bias: Tensor)
    {
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (o, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
        let (ho, wo) = (dy.shape[2], dy.shape[3])
        var dx = [Double](repeating: 0, count: x.count), dw = [Double](repeating: 0, count: w.count)
        var db = [Double](repeating: 0, count: o)
        for i in 0..<n { for oc in 0..<o { for oy in 0..<ho { for ox in 0..<wo {
            let g = Double(dy[i, oc, oy, ox])
            db[oc] += g
            for ic in 0..<c { for ky in 0..<kh { for kx in 0..<kw {
                let iy = oy * s - p + ky, ix = ox * s - p + kx
                guard iy >= 0 && iy < h && ix >= 0 && ix < wd else { continue }
                dx[((i * c + ic) * h + iy) * wd + ix] += g * Double(w[oc, ic, ky, kx])
                dw[((oc * c + ic) * kh + ky) * kw + kx] += g * Double(x[i, ic, iy, ix])
            } } }
        } } } }
        return (Tensor(shape: x.shape, scalars: dx.map(Float.init)), Tensor(shape: w.shape, scalars: dw.map(Float.init)),
                Tensor(shape: [o], scalars: db.map(Float.init)))
    }

    static func linear(_ x: Tensor, _ w: Tensor, _ b: Tensor?) -> Tensor {
        let (n, inF, outF) = (x.shape[0], x.shape[1], w.shape[0])
        var y = Tensor(shape: [n, outF])
        for i in 0..<n { for j in 0..<outF {
            var sum = Double(b?[j] ?? 0)
            for k in 0..<inF { sum += Double(x[i, k]) * Double(w[j, k]) }
            y[i, j] = Float(sum)
        } }
        return y
    }

    static func linearBackward(_ dy: Tensor, _ x: Tensor, _ w: Tensor) -> (input: Tensor, weight: Tensor, bias: Tensor) {
        let (n, inF, outF) = (x.shape[0], x.shape[1], w.shape[0])
        var dx = Tensor(shape: x.shape), dw = Tensor(shape: w.shape), db = Tensor(shape: [outF])
        for i in 0..<n { for k in 0..<inF {
            var sum = 0.0
            for j in 0..<outF { sum += Double(dy[i, j]) * Double(w[j, k]) }
            dx[i, k] = Float(sum)
        } }
        for j in 0..<outF {
            for k in 0..<inF {
                var sum = 0.0
                for i in 0..<n { sum += Double(dy[i, j]) * Double(x[i, k]) }
                dw[j, k] = Float(sum)
            }
            var sum = 0.0
            for i in 0..<n { sum += Double(dy[i, j]) }
            db[j] = Float(sum)
        }
        return (dx, dw, db)
    }

    /// Values of channel c of x [N, C, ...] as flat indices.
    static func channelIndices(_ shape: [Int], _ c: Int) -> [Int] {
        let plane = shape.count == 4 ? shape[2] * shape[3] : 1
        var indices: [Int] = []
        for n in 0..<shape[0] {
            let start = (n * shape[1] + c) * plane
            indices.append(contentsOf: start..<(start + plane))
        }
        return indices
    }

    /// Batch-norm forward with the batch's statistics; returns the output, mean and biased variance.
    static func batchNormTraining(_ x: Tensor, _ gamma: Tensor, _ beta: Tensor, eps: Double)
        -> (Tensor, [Double], [Double])
    {
        var y = Tensor(shape: x.shape)
        var means: [Double] = [], variances: [Double] = []
        for c in 0..<x.shape[1] {
            let idx = channelIndices(x.shape, c)
            let mean = idx.map { Double(x.scalars[$0]) }.reduce(0, +) / Double(idx.count)
            let variance = idx.map { pow(Double(x.scalars[$0]) - mean, 2) }.reduce(0, +) / Double(idx.count)
            for i in idx {
                y.scalars[i] = Float(Double(gamma[c]) * (Double(x.scalars[i]) - mean) / (variance + eps).squareRoot()
                                     + Double(beta[c]))
            }
            means.append(mean)
            variances.append(variance)
        }
        return (y, means, variances)
    }

    /// Textbook batch-norm backward (training), through the mean and variance step by step.
    static func batchNormTrainingBackward(_ dy: Tensor, _ x: Tensor, _ gamma: Tensor, eps: Double)
        -> (input: Tensor, weight: Tensor, bias: Tensor)
    {
        var dx = Tensor(shape: x.shape), dgamma = Tensor(shape: gamma.shape), dbeta = Tensor(shape: gamma.shape)
        for c in 0..<x.shape[1] {
            let idx = channelIndices(x.shape, c)
            let m = Double(idx.count)
            let xs = idx.map { Double(x.scalars[$0]) }, gs = idx.map { Double(dy.scalars[$0]) }
            let mean = xs.reduce(0, +) / m
            let variance = xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / m
            let invStd = 1 / (variance + eps).squareRoot()
            let dxhat = gs.map { $0 * Double(gamma[c]) }
            var dvar = 0.0, dmean = 0.0
            for j in 0..<xs.count { dvar += dxhat[j] * (xs[j] - mean) * -0.5 * pow(invStd, 3) }
            for j in 0..<xs.count { dmean += -dxhat[j] * invStd + dvar * -2 * (xs[j] - mean) / m }
            for (j, i) in idx.enumerated() {
                dx.scalars[i] = Float(dxhat[j] * invStd + dvar * 2 * (xs[j] - mean) / m + dmean / m)
            }
            dgamma[c] = Float(zip(gs, xs).map { $0 * ($1 - mean) * invStd }.reduce(0, +))
            dbeta[c] = Float(gs.reduce(0, +))
        }
        return (dx, dgamma, dbeta)
    }

    /// PyTorch max pooling: windows over the padded input (padding never wins), first maximum in scan order.
    static func maxPool(_ x: Tensor, kernel k: Int, stride s: Int, padding p: Int) -> (Tensor, [[Int]]) {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let ho = (h + 2 * p - k) / s + 1, wo = (w + 2 * p - k) / s + 1
        var y = Tensor(shape: [n, c, ho, wo])
        var winners: [[Int]] = []  // [n, c, iy, ix] per output, in output order
        for i in 0..<n { for ch in 0..<c { for oy in 0..<ho { for ox in 0..<wo {
            var best = -Float.infinity, at = [i, ch, -1, -1]
            for ky in 0..<k { for kx in 0..<k {
                let iy = oy * s - p + ky, ix = ox * s - p + kx
                if iy >= 0 && iy < h && ix >= 0 && ix < w && (at[2] < 0 || x[i, ch, iy, ix] > best) {
                    best = x[i, ch, iy, ix]
                    at = [i, ch, iy, ix]
                }
            } }
            y[i, ch, oy, ox] = best
            winners.append(at)
        } } } }
        return (y, winners)
    }

    static func maxPoolBackward(_ dy: Tensor, winners: [[Int]], inputShape: [Int]) -> Tensor {
        var dx = Tensor(shape: inputShape)
        for (o, at) in winners.enumerated() { dx[at[0], at[1], at[2], at[3]] += dy.scalars[o] }
        return dx
    }

    /// cross_entropy(weight:, label_smoothing:) term by term from log-softmax, and its gradient by the chain rule
    /// through log-softmax.
    static func crossEntropy(_ z: Tensor, _ labels: [Int], weights: [Float]?, smoothing eps: Double)
        -> (loss: Double, grad: Tensor)
    {
        let (n, k) = (z.shape[0], z.shape[1])
        let w = (weights ?? [Float](repeating: 1, count: k)).map(Double.init)
        var logp = [[Double]]()
        for i in 0..<n {
            let row = (0..<k).map { Double(z[i, $0]) }
            let lse = log(row.map { exp($0) }.reduce(0, +))
            logp.append(row.map { $0 - lse })
        }
        let denominator = labels.map { w[$0] }.reduce(0, +)
        var nll = 0.0, smooth = 0.0
        for i in 0..<n {
            nll += -w[labels[i]] * logp[i][labels[i]]
            for j in 0..<k { smooth += -w[j] * logp[i][j] }
        }
        let loss = (1 - eps) * nll / denominator + eps / Double(k) * smooth / denominator
        // d loss / d logp[i][j] = -((1 - eps) w[y] [j == y] + eps / K w[j]) / denominator;
        // d logp[i][j] / d z[i][m] = [j == m] - softmax[i][m].
        var grad = Tensor(shape: z.shape)
        for i in 0..<n {
            let dlogp = (0..<k).map { j in
                -((1 - eps) * (j == labels[i] ? w[j] : 0) + eps / Double(k) * w[j]) / denominator
            }
            let total = dlogp.reduce(0, +)
            for m in 0..<k { grad[i, m] = Float(dlogp[m] - exp(logp[i][m]) * total) }
        }
        return (loss, grad)
    }
}
