import Foundation

extension Tensor {
    /// Softmax over the last axis of a [N, K] tensor (probabilities at inference).
    public func softmax() throws -> Tensor {
        guard rank == 2, shape[0] > 0, shape[1] > 0 else {
            throw EngineError.shape(op: "softmax", "input \(shape): must be [N, K] with N, K > 0")
        }
        var out = self
        let k = shape[1]
        out.withUnsafeMutableBufferPointer { p in
            for row in 0..<shape[0] { softmaxRow(p.baseAddress! + row * k, k) }
        }
        return out
    }
}

/// In-place, max-shifted softmax of one row.
private func softmaxRow(_ p: UnsafeMutablePointer<Float>, _ k: Int) {
    var top = -Float.infinity
    for j in 0..<k { top = max(top, p[j]) }
    var total: Float = 0
    for j in 0..<k { p[j] = expf(p[j] - top); total += p[j] }
    for j in 0..<k { p[j] /= total }
}

/// Softmax cross-entropy as `torch.nn.functional.cross_entropy(logits, labels, weight:, label_smoothing:)` with
/// mean reduction. With class weights w and smoothing ε over K classes, sample i's target distribution is
/// a[i, k] = (1 - ε) w[k] [k == y_i] + (ε / K) w[k], its loss -Σ_k a[i, k] log p[i, k], and the mean divides the
/// sum by Σ_i w[y_i] (N without weights).
public struct SoftmaxCrossEntropy: Sendable {
    public let loss: Float
    /// softmax(logits), kept for the backward pass.
    public let probabilities: Tensor
    public let labels: [Int]
    public let classWeights: [Float]?
    public let labelSmoothing: Float
    /// Σ_i w[y_i], the mean's divisor.
    public let totalWeight: Float

    public init(logits: Tensor, labels: [Int], classWeights: [Float]? = nil, labelSmoothing: Float = 0) throws {
        let op = "softmaxCrossEntropy"
        guard logits.rank == 2, logits.shape[1] > 0 else {
            throw EngineError.shape(op: op, "logits \(logits.shape): must be [N, K]")
        }
        let (n, k) = (logits.shape[0], logits.shape[1])
        guard n > 0 else { throw EngineError.shape(op: op, "logits \(logits.shape): empty batch") }
        guard labels.count == n else {
            throw EngineError.shape(op: op, "logits \(logits.shape) with \(labels.count) labels")
        }
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= k }) {
            throw EngineError.shape(
                op: op, "label \(labels[bad]) at row \(bad) is out of range 0..<\(k) for logits \(logits.shape)")
        }
        if let classWeights, classWeights.count != k {
            throw EngineError.shape(op: op, "\(classWeights.count) class weights for logits \(logits.shape)")
        }
        guard labelSmoothing >= 0, labelSmoothing <= 1 else {
            throw EngineError.invalidArgument(op: op, "label smoothing \(labelSmoothing) is not in [0, 1]")
        }
        let weights = classWeights ?? [Float](repeating: 1, count: k)
        let totalWeight = labels.reduce(Float(0)) { $0 + weights[$1] }
        guard totalWeight > 0 else {
            throw EngineError.invalidArgument(op: op, "the targets' class weights sum to \(totalWeight)")
        }
        var loss = 0.0
        var probabilities = logits
        probabilities.withUnsafeMutableBufferPointer { p in
            logits.withUnsafeBufferPointer { z in
                for i in 0..<n {
                    let row = z.baseAddress! + i * k
                    var top = -Float.infinity
                    for j in 0..<k { top = max(top, row[j]) }
                    var total = 0.0
                    for j in 0..<k { total += Double(expf(row[j] - top)) }
                    let logTotal = Double(top) + log(total)
                    // -log p[i, j] = logTotal - z[i, j]
                    loss += Double((1 - labelSmoothing) * weights[labels[i]]) * (logTotal - Double(row[labels[i]]))
                    if labelSmoothing > 0 {
                        var smooth = 0.0
                        for j in 0..<k { smooth += Double(weights[j]) * (logTotal - Double(row[j])) }
                        loss += Double(labelSmoothing / Float(k)) * smooth
                    }
                    softmaxRow(p.baseAddress! + i * k, k)
                }
            }
        }
        self.loss = Float(loss / Double(totalWeight))
        self.probabilities = probabilities
        self.labels = labels
        self.classWeights = classWeights
        self.labelSmoothing = labelSmoothing
        self.totalWeight = totalWeight
    }

    /// d loss / d logits, scaled by `gradOutput` (the loss's own gradient):
    /// (p[i, j] Σ_k a[i, k] - a[i, j]) / Σ_i w[y_i].
    public func gradient(scale gradOutput: Float = 1) -> Tensor {
        let (n, k) = (probabilities.shape[0], probabilities.shape[1])
        let weights = classWeights ?? [Float](repeating: 1, count: k)
        let smoothing = labelSmoothing / Float(k)
        let weightSum = weights.reduce(0, +)
        let factor = gradOutput / totalWeight
        var grad = probabilities
        grad.withUnsafeMutableBufferPointer { g in
            for i in 0..<n {
                let target = (1 - labelSmoothing) * weights[labels[i]]
                let mass = target + smoothing * weightSum
                for j in 0..<k {
                    var a = smoothing * weights[j]
                    if j == labels[i] { a += target }
                    g[i * k + j] = factor * (g[i * k + j] * mass - a)
                }
            }
        }
        return grad
    }
}
