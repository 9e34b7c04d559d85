import Foundation

/// Gradient-boosted decision trees for a binary target (logistic loss, Newton leaf values), grown on histogram
/// bins as LightGBM and scikit-learn's `HistGradientBoostingClassifier` do: each feature is cut once into at most
/// `bins` quantile bins, and every split is found by scanning bin totals. A missing value (NaN) has a bin of its
/// own, and each split learns on which side missing values go, so catalogues with gaps need no imputation.
public struct BoostedTrees: Codable, Sendable, Equatable {
    public struct Settings: Codable, Sendable, Equatable {
        public var rounds = 300
        public var learningRate = 0.05
        public var maxDepth = 5
        /// Fewest training rows in a leaf.
        public var minLeaf = 20
        /// L2 penalty on leaf values (XGBoost's lambda).
        public var l2 = 1.0
        public var bins = 64
        /// Weight each class by n / (2 n_class), so a probability of 0.5 is the balanced decision.
        public var balanced = true

        public init() {}
    }

    /// One node of a tree; a leaf when `feature` is -1. Rows with `x[feature] <= threshold` go left, missing
    /// values go left when `missingLeft`.
    public struct Node: Codable, Sendable, Equatable {
        public var feature: Int
        public var threshold: Double
        public var missingLeft: Bool
        public var left: Int
        public var right: Int
        public var value: Double
    }

    public var features: [String]
    public var settings: Settings
    /// The starting log-odds (the weighted class ratio).
    public var baseScore: Double
    /// Each tree's nodes, the root first.
    public var trees: [[Node]]

    /// The log-odds of membership for one row of features (in `features` order; NaN for missing).
    public func logit(_ x: [Double]) -> Double {
        precondition(x.count == features.count, "BoostedTrees: \(x.count) values for \(features.count) features")
        var score = baseScore
        for tree in trees {
            var n = 0
            while tree[n].feature >= 0 {
                let node = tree[n], v = x[node.feature]
                n = (v.isNaN ? node.missingLeft : v <= node.threshold) ? node.left : node.right
            }
            score += tree[n].value
        }
        return score
    }

    public func probability(_ x: [Double]) -> Double { 1 / (1 + exp(-logit(x))) }

    /// Fits `rows` (one array of feature values per object; NaN for missing) to labels 0 or 1.
    public static func fit(rows: [[Double]], labels: [Int], features: [String], settings: Settings = Settings()) throws -> BoostedTrees {
        guard !rows.isEmpty, rows.count == labels.count else {
            throw TabularError("BoostedTrees.fit: \(rows.count) rows and \(labels.count) labels")
        }
        if let bad = rows.firstIndex(where: { $0.count != features.count }) {
            throw TabularError("BoostedTrees.fit: row \(bad) has \(rows[bad].count) values for \(features.count) features")
        }
        guard labels.allSatisfy({ $0 == 0 || $0 == 1 }), Set(labels).count == 2 else {
            throw TabularError("BoostedTrees.fit: labels must be 0 and 1, both present")
        }
        if let bad = rows.joined().first(where: { $0.isInfinite }) {
            throw TabularError("BoostedTrees.fit: a feature value is \(bad); use NaN for missing values")
        }
        let binned = BinnedFeatures(rows: rows, features: features.count, bins: settings.bins)
        let n = rows.count, y = labels.map(Double.init)
        let positives = y.reduce(0, +)
        let weight = settings.balanced
            ? labels.map { Double(n) / (2 * ($0 == 1 ? positives : Double(n) - positives)) }
            : [Double](repeating: 1, count: n)
        let wp = zip(weight, y).map { $0 * $1 }.reduce(0, +), wn = weight.reduce(0, +) - wp
        var model = BoostedTrees(features: features, settings: settings, baseScore: log(wp / wn), trees: [])
        var score = [Double](repeating: model.baseScore, count: n)
        var gradient = [Double](repeating: 0, count: n), hessian = gradient
        for _ in 0..<settings.rounds {
            for i in 0..<n {
                let p = 1 / (1 + exp(-score[i]))
                gradient[i] = weight[i] * (p - y[i])
                hessian[i] = weight[i] * max(p * (1 - p), 1e-16)
            }
            var grower = TreeGrower(binned: binned, gradient: gradient, hessian: hessian, settings: settings)
            let (tree, leafOf) = grower.grow()
            for i in 0..<n { score[i] += tree[leafOf[i]].value }
            model.trees.append(tree)
        }
        return model
    }
}

public struct TabularError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Features cut into quantile bins: `bin[f][i]` is row i's bin of feature f, `missingBin` for NaN; a row is in
/// bin b when its value is at most `edges[f][b]` (and above the edge before), the last bin holding the rest.
struct BinnedFeatures {
    var bin: [[UInt8]]
    var edges: [[Double]]
    static let missingBin = 255

    init(rows: [[Double]], features: Int, bins: Int) {
        precondition(bins >= 2 && bins < Self.missingBin, "bins must be in 2..<255")
        bin = []
        edges = []
        for f in 0..<features {
            let values = rows.map { $0[f] }.filter { !$0.isNaN }.sorted()
            var cuts: [Double] = []
            if values.count > 1 {
                for k in 1..<bins {
                    let q = values[min(values.count - 1, k * values.count / bins)]
                    // Cut halfway between distinct values, so the threshold sits between what was seen.
                    if let below = values.last(where: { $0 < q }), cuts.last.map({ $0 < below }) ?? true {
                        cuts.append((below + q) / 2)
                    }
                }
            }
            edges.append(cuts)
            bin.append(rows.map { row in
                let v = row[f]
                if v.isNaN { return UInt8(Self.missingBin) }
                var lo = 0, hi = cuts.count  // first cut >= v
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if cuts[mid] < v { lo = mid + 1 } else { hi = mid }
                }
                return UInt8(lo)
            })
        }
    }
}

/// Grows one tree level by level to `maxDepth`, splitting a node where the gain in the second-order objective is
/// largest and both sides keep `minLeaf` rows.
struct TreeGrower {
    let binned: BinnedFeatures
    let gradient: [Double]
    let hessian: [Double]
    let settings: BoostedTrees.Settings
    var nodes: [BoostedTrees.Node] = []

    init(binned: BinnedFeatures, gradient: [Double], hessian: [Double], settings: BoostedTrees.Settings) {
        self.binned = binned
        self.gradient = gradient
        self.hessian = hessian
        self.settings = settings
    }

    struct Split { var feature: Int; var bin: Int; var missingLeft: Bool; var gain: Double }

    mutating func grow() -> (tree: [BoostedTrees.Node], leafOf: [Int]) {
        var leafOf = [Int](repeating: 0, count: gradient.count)
        nodes = []
        var frontier = [(node: 0, rows: Array(gradient.indices))]
        nodes.append(leaf(frontier[0].rows))
        for _ in 0..<settings.maxDepth {
            var next: [(node: Int, rows: [Int])] = []
            for (node, rows) in frontier {
                guard rows.count >= 2 * settings.minLeaf, let split = bestSplit(rows) else { continue }
                var left: [Int] = [], right: [Int] = []
                for i in rows {
                    let b = Int(binned.bin[split.feature][i])
                    if b == BinnedFeatures.missingBin ? split.missingLeft : b <= split.bin { left.append(i) } else { right.append(i) }
                }
                let l = nodes.count, r = l + 1
                nodes.append(leaf(left))
                nodes.append(leaf(right))
                nodes[node].feature = split.feature
                nodes[node].threshold = binned.edges[split.feature][split.bin]
                nodes[node].missingLeft = split.missingLeft
                nodes[node].left = l
                nodes[node].right = r
                for i in left { leafOf[i] = l }
                for i in right { leafOf[i] = r }
                next += [(l, left), (r, right)]
            }
            frontier = next
        }
        return (nodes, leafOf)
    }

    private func leaf(_ rows: [Int]) -> BoostedTrees.Node {
        var g = 0.0, h = 0.0
        for i in rows { g += gradient[i]; h += hessian[i] }
        return BoostedTrees.Node(feature: -1, threshold: 0, missingLeft: true, left: -1, right: -1,
                                 value: -settings.learningRate * g / (h + settings.l2))
    }

    private func bestSplit(_ rows: [Int]) -> Split? {
        var best: Split?
        var gTotal = 0.0, hTotal = 0.0
        for i in rows { gTotal += gradient[i]; hTotal += hessian[i] }
        let parent = gTotal * gTotal / (hTotal + settings.l2)
        for f in binned.edges.indices {
            let bins = binned.edges[f].count + 1
            guard bins > 1 else { continue }
            var g = [Double](repeating: 0, count: bins), h = g, c = [Int](repeating: 0, count: bins)
            var gMissing = 0.0, hMissing = 0.0, cMissing = 0
            for i in rows {
                let b = Int(binned.bin[f][i])
                if b == BinnedFeatures.missingBin {
                    gMissing += gradient[i]; hMissing += hessian[i]; cMissing += 1
                } else {
                    g[b] += gradient[i]; h[b] += hessian[i]; c[b] += 1
                }
            }
            var gLeft = 0.0, hLeft = 0.0, cLeft = 0
            for b in 0..<(bins - 1) {
                gLeft += g[b]; hLeft += h[b]; cLeft += c[b]
                for missingLeft in cMissing > 0 ? [true, false] : [true] {
                    let gl = gLeft + (missingLeft ? gMissing : 0), hl = hLeft + (missingLeft ? hMissing : 0)
                    let cl = cLeft + (missingLeft ? cMissing : 0)
                    let gr = gTotal - gl, hr = hTotal - hl, cr = rows.count - cl
                    guard cl >= settings.minLeaf, cr >= settings.minLeaf else { continue }
                    let gain = gl * gl / (hl + settings.l2) + gr * gr / (hr + settings.l2) - parent
                    if gain > 1e-12, gain > (best?.gain ?? 0) {
                        best = Split(feature: f, bin: b, missingLeft: missingLeft, gain: gain)
                    }
                }
            }
        }
        return best
    }
}
