import Foundation

/// Weighted logistic regression with a small L2 penalty, fitted by Newton's method: for a handful of inputs (such
/// as the log-odds of two models, to combine them) it converges in a few steps and needs no learning rate.
public struct LogisticRegression: Codable, Sendable, Equatable {
    public var coefficients: [Double]
    public var intercept: Double

    public init(coefficients: [Double], intercept: Double) {
        self.coefficients = coefficients
        self.intercept = intercept
    }

    public func logit(_ x: [Double]) -> Double {
        precondition(x.count == coefficients.count, "LogisticRegression: \(x.count) values for \(coefficients.count) coefficients")
        return zip(coefficients, x).map(*).reduce(intercept, +)
    }

    public func probability(_ x: [Double]) -> Double { 1 / (1 + exp(-logit(x))) }

    /// Fits labels 0/1; `balanced` weights each class by n / (2 n_class). The intercept is not penalised.
    public static func fit(rows: [[Double]], labels: [Int], balanced: Bool = true, l2: Double = 1e-3,
                           iterations: Int = 50) throws -> LogisticRegression {
        guard let k = rows.first?.count, rows.count == labels.count, rows.allSatisfy({ $0.count == k }) else {
            throw TabularError("LogisticRegression.fit: \(rows.count) rows of unequal length or \(labels.count) labels")
        }
        guard Set(labels) == [0, 1] else { throw TabularError("LogisticRegression.fit: labels must be 0 and 1, both present") }
        guard rows.joined().allSatisfy(\.isFinite) else { throw TabularError("LogisticRegression.fit: a value is not finite") }
        let n = Double(rows.count), positives = Double(labels.filter { $0 == 1 }.count)
        let weight = labels.map { balanced ? n / (2 * ($0 == 1 ? positives : n - positives)) : 1 }
        var beta = [Double](repeating: 0, count: k + 1)  // intercept last
        for _ in 0..<iterations {
            var g = [Double](repeating: 0, count: k + 1)
            var h = [[Double]](repeating: g, count: k + 1)
            for (i, row) in rows.enumerated() {
                let x = row + [1]
                let z = zip(beta, x).map(*).reduce(0, +)
                let p = 1 / (1 + exp(-z))
                let w = weight[i] * max(p * (1 - p), 1e-12)
                for a in 0...k {
                    g[a] += weight[i] * (p - Double(labels[i])) * x[a]
                    for b in 0...k { h[a][b] += w * x[a] * x[b] }
                }
            }
            for a in 0..<k { g[a] += l2 * n * beta[a]; h[a][a] += l2 * n }
            let step = try solve(h, g)
            beta = zip(beta, step).map(-)
            if step.map(abs).max()! < 1e-10 { break }
        }
        return LogisticRegression(coefficients: Array(beta.dropLast()), intercept: beta.last!)
    }
}

/// Solves a x = b by Gaussian elimination with partial pivoting (small dense systems).
func solve(_ a: [[Double]], _ b: [Double]) throws -> [Double] {
    var m = a, v = b
    let n = b.count
    for c in 0..<n {
        let p = (c..<n).max { abs(m[$0][c]) < abs(m[$1][c]) }!
        guard abs(m[p][c]) > 1e-300 else { throw TabularError("singular system: the inputs are collinear or constant") }
        m.swapAt(c, p)
        v.swapAt(c, p)
        for r in (c + 1)..<n where m[r][c] != 0 {
            let f = m[r][c] / m[c][c]
            for k in c..<n { m[r][k] -= f * m[c][k] }
            v[r] -= f * v[c]
        }
    }
    var x = [Double](repeating: 0, count: n)
    for r in stride(from: n - 1, through: 0, by: -1) {
        x[r] = (v[r] - ((r + 1)..<n).map { m[r][$0] * x[$0] }.reduce(0, +)) / m[r][r]
    }
    return x
}
