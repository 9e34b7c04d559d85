import Autodiff
import Dataset
import Foundation
import NN
import SeededRandom
import Tensor
import Training

/// A network's representation of each object: the globally pooled activation of its last convolutional stage (the
/// input of its classifier head), the first principal components of those features, and how far each object is
/// from its k-th nearest neighbour by cosine (an anomaly score: the lonelier, the stranger).
public struct Embeddings: Sendable {
    public var ids: [String]
    /// [N, D] pooled features (D = 512 for ResNet-18).
    public var features: Tensor
    /// [N, min(40, D, N)] scores on the principal components, largest variance first.
    public var components: Tensor
    /// The variance each component explains, in the same order.
    public var explainedVariance: [Double]

    public static let componentCount = 40

    /// Features of `objects` as `trained` sees them (its preprocessing; no augmentation).
    public init(_ trained: TrainedModel, objects: [PreparedObject], batchSize: Int = 64, progress: ProgressBar? = nil) throws {
        guard let network = trained.model as? ResNet else {
            throw ConfigurationError(message: "embeddings come from a ResNet's pooled features; \(trained.checkpoint.path) is a \(trained.configuration.model.rawValue)")
        }
        guard !objects.isEmpty else { throw ConfigurationError(message: "no objects to embed") }
        network.eval()
        defer { network.train() }
        let samples = SampleSet(objects: objects, preprocessing: trained.preprocessing)
        let loader = BatchLoader(labels: samples.labels, batchSize: batchSize, seed: nil) { i in try samples.load(i, .identity) }
        var rows = [[Float]](repeating: [], count: objects.count), done = 0
        while let batch = try loader.next() {
            let pooled = try withNoGrad {
                try network.avgpool(network.features(Variable(trained.preprocessing.normalise(batch.images))))
            }.value
            let width = pooled.count / batch.items.count
            for (row, item) in batch.items.enumerated() { rows[item] = Array(pooled.scalars[(row * width)..<((row + 1) * width)]) }
            done += batch.items.count
            progress?.update(done: done)
        }
        try self.init(ids: samples.ids, features: Tensor(shape: [objects.count, rows[0].count], scalars: rows.flatMap { $0 }))
    }

    public init(ids: [String], features: Tensor) throws {
        precondition(features.shape.count == 2 && features.shape[0] == ids.count, "Embeddings: features must be [ids, D]")
        self.ids = ids
        self.features = features
        (components, explainedVariance) = principalComponents(features, count: Self.componentCount)
    }

    /// Rows scaled to unit length (a zero row stays zero), so that dot products are cosine similarities.
    static func unitRows(_ features: Tensor) -> Tensor {
        let (n, d) = (features.shape[0], features.shape[1])
        var scalars = features.scalars
        for i in 0..<n {
            let norm = (0..<d).reduce(Float(0)) { $0 + scalars[i * d + $1] * scalars[i * d + $1] }.squareRoot()
            if norm > 0 { for j in 0..<d { scalars[i * d + j] /= norm } }
        }
        return Tensor(shape: [n, d], scalars: scalars)
    }

    /// Cosine similarities [N, N] of every pair.
    static func cosineSimilarities(_ features: Tensor) throws -> Tensor {
        let unit = unitRows(features)
        return try linearForward(unit, weight: unit, bias: nil)
    }

    /// The `k` nearest neighbours of object `index` by cosine similarity (itself left out), closest first.
    public func neighbours(of index: Int, k: Int) -> [(index: Int, similarity: Double)] {
        let unit = Self.unitRows(features)
        let d = features.shape[1]
        let query = Array(unit.scalars[(index * d)..<((index + 1) * d)])
        let similarities = (0..<ids.count).map { j in
            (index: j, similarity: Double((0..<d).reduce(Float(0)) { $0 + query[$1] * unit.scalars[j * d + $1] }))
        }
        return Array(similarities.filter { $0.index != index }.sorted { ($0.similarity, $1.index) > ($1.similarity, $0.index) }.prefix(k))
    }

    /// Each object's cosine distance (1 - similarity) to its k-th nearest neighbour (itself left out); with fewer
    /// than k others, to the farthest.
    public func anomalyScores(k: Int) throws -> [Double] {
        let similarities = try Self.cosineSimilarities(features)
        let n = ids.count
        return (0..<n).map { i in
            var row = (0..<n).filter { $0 != i }.map { similarities.scalars[i * n + $0] }
            guard !row.isEmpty else { return 0 }
            row.sort(by: >)
            return 1 - Double(row[min(k, row.count) - 1])
        }
    }

    /// Mean precision at k over the objects `relevant` marks: the fraction of their k nearest neighbours (by
    /// cosine, themselves left out) that are relevant too; nil when none is.
    public func precision(at k: Int, relevant: [Bool]) throws -> Double? {
        let similarities = try Self.cosineSimilarities(features)
        let n = ids.count
        let queries = (0..<n).filter { relevant[$0] }
        guard !queries.isEmpty else { return nil }
        let total = queries.reduce(0.0) { sum, i in
            let nearest = (0..<n).filter { $0 != i }.sorted {
                (similarities.scalars[i * n + $0], $1) > (similarities.scalars[i * n + $1], $0)
            }.prefix(k)
            return sum + Double(nearest.filter { relevant[$0] }.count) / Double(nearest.count)
        }
        return total / Double(queries.count)
    }
}

/// The first `count` principal components of the rows of `x` [N, D]: each row's scores [N, count] on them and the
/// variance each explains, largest first (sign fixed so that each component's largest loading is positive). Subspace
/// iteration on the covariance, then the small eigenproblem by Jacobi rotations: exact to float precision for the
/// leading components without a full D x D decomposition.
func principalComponents(_ x: Tensor, count: Int) -> (scores: Tensor, variance: [Double]) {
    let (n, d) = (x.shape[0], x.shape[1])
    let m = min(count, d, n)
    guard m > 0 else { return (Tensor(shape: [n, 0], scalars: []), []) }
    // Centred data and covariance, in double precision.
    var mean = [Double](repeating: 0, count: d)
    for i in 0..<n { for j in 0..<d { mean[j] += Double(x.scalars[i * d + j]) } }
    mean = mean.map { $0 / Double(n) }
    var centred = [Double](repeating: 0, count: n * d)
    for i in 0..<n { for j in 0..<d { centred[i * d + j] = Double(x.scalars[i * d + j]) - mean[j] } }
    var covariance = [Double](repeating: 0, count: d * d)
    centred.withUnsafeBufferPointer { c in
        covariance.withUnsafeMutableBufferPointer { cov in
            for i in 0..<n {
                let row = i * d
                for a in 0..<d where c[row + a] != 0 {
                    let ca = c[row + a]
                    for b in a..<d { cov[a * d + b] += ca * c[row + b] }
                }
            }
        }
    }
    let denominator = Double(max(n - 1, 1))
    for a in 0..<d { for b in a..<d { covariance[a * d + b] /= denominator; covariance[b * d + a] = covariance[a * d + b] } }

    // Subspace iteration: Q (d x p, p a little over m) -> orthonormalised C Q, until the span settles.
    let p = min(d, m + 10)
    var rng = SeededGenerator(seed: 40)
    var q = (0..<(d * p)).map { _ in rng.nextUniform() * 2 - 1 }.map(Double.init)
    orthonormaliseColumns(&q, rows: d, columns: p)
    for _ in 0..<60 {
        q = multiply(covariance, q, d, p)
        orthonormaliseColumns(&q, rows: d, columns: p)
    }
    // Rayleigh-Ritz: the eigenvectors of Q^T C Q rotate Q onto the components.
    let cq = multiply(covariance, q, d, p)
    var small = [Double](repeating: 0, count: p * p)
    for a in 0..<p { for b in 0..<p { small[a * p + b] = (0..<d).reduce(0) { $0 + q[$1 * p + a] * cq[$1 * p + b] } } }
    let (values, vectors) = jacobiEigen(small, size: p)
    let order = (0..<p).sorted { values[$0] > values[$1] }.prefix(m)
    var loadings = [Double](repeating: 0, count: d * m)  // d x m
    for (c, e) in order.enumerated() {
        for r in 0..<d { loadings[r * m + c] = (0..<p).reduce(0) { $0 + q[r * p + $1] * vectors[$1 * p + e] } }
        let largest = (0..<d).max { abs(loadings[$0 * m + c]) < abs(loadings[$1 * m + c]) }!
        if loadings[largest * m + c] < 0 { for r in 0..<d { loadings[r * m + c] = -loadings[r * m + c] } }
    }
    var scores = [Float](repeating: 0, count: n * m)
    for i in 0..<n {
        for c in 0..<m { scores[i * m + c] = Float((0..<d).reduce(0) { $0 + centred[i * d + $1] * loadings[$1 * m + c] }) }
    }
    return (Tensor(shape: [n, m], scalars: scores), order.map { max(values[$0], 0) })
}

/// a (r x r) times b (r x c), row-major.
private func multiply(_ a: [Double], _ b: [Double], _ r: Int, _ c: Int) -> [Double] {
    var out = [Double](repeating: 0, count: r * c)
    for i in 0..<r {
        for k in 0..<r where a[i * r + k] != 0 {
            let aik = a[i * r + k]
            for j in 0..<c { out[i * c + j] += aik * b[k * c + j] }
        }
    }
    return out
}

/// Modified Gram-Schmidt on the columns of a (rows x columns) row-major matrix; a column that vanishes becomes zero.
private func orthonormaliseColumns(_ a: inout [Double], rows: Int, columns: Int) {
    for c in 0..<columns {
        for previous in 0..<c {
            let dot = (0..<rows).reduce(0) { $0 + a[$1 * columns + c] * a[$1 * columns + previous] }
            for r in 0..<rows { a[r * columns + c] -= dot * a[r * columns + previous] }
        }
        let norm = (0..<rows).reduce(0) { $0 + a[$1 * columns + c] * a[$1 * columns + c] }.squareRoot()
        for r in 0..<rows { a[r * columns + c] = norm > 1e-300 ? a[r * columns + c] / norm : 0 }
    }
}

/// Eigenvalues and eigenvectors (columns of a row-major size x size matrix) of a symmetric matrix, by cyclic Jacobi.
private func jacobiEigen(_ matrix: [Double], size n: Int) -> (values: [Double], vectors: [Double]) {
    var a = matrix
    var v = [Double](repeating: 0, count: n * n)
    for i in 0..<n { v[i * n + i] = 1 }
    for _ in 0..<100 {
        var off = 0.0
        for i in 0..<n { for j in (i + 1)..<n where j < n { off += a[i * n + j] * a[i * n + j] } }
        if off < 1e-22 * max(1, (0..<n).reduce(0) { $0 + a[$1 * n + $1] * a[$1 * n + $1] }) { break }
        for p in 0..<n {
            for q in (p + 1)..<n where q < n && a[p * n + q] != 0 {
                let theta = (a[q * n + q] - a[p * n + p]) / (2 * a[p * n + q])
                let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                let c = 1 / (t * t + 1).squareRoot(), s = t * c
                for k in 0..<n {
                    let akp = a[k * n + p], akq = a[k * n + q]
                    a[k * n + p] = c * akp - s * akq
                    a[k * n + q] = s * akp + c * akq
                }
                for k in 0..<n {
                    let apk = a[p * n + k], aqk = a[q * n + k]
                    a[p * n + k] = c * apk - s * aqk
                    a[q * n + k] = s * apk + c * aqk
                }
                for k in 0..<n {
                    let vkp = v[k * n + p], vkq = v[k * n + q]
                    v[k * n + p] = c * vkp - s * vkq
                    v[k * n + q] = s * vkp + c * vkq
                }
            }
        }
    }
    return ((0..<n).map { a[$0 * n + $0] }, v)
}
