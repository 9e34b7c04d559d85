import Dataset
import Autodiff
import Foundation
import Imaging
import NN
import Tensor
import Training

/// A non-negative map of how much each input pixel mattered to a prediction, on the network's input grid.
public struct SaliencyMap: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Row-major, `values[y * width + x]`, each >= 0.
    public var values: [Float]

    public init(width: Int, height: Int, values: [Float]) {
        precondition(values.count == width * height, "SaliencyMap: \(values.count) values for \(width)x\(height)")
        self.width = width
        self.height = height
        self.values = values
    }

    /// Scaled to a maximum of 1 (all zeros stay zeros).
    public var normalised: SaliencyMap {
        let top = values.max() ?? 0
        return top > 0 ? SaliencyMap(width: width, height: height, values: values.map { $0 / top }) : self
    }

    /// Share of the total saliency at pixels for which `inside(x, y)` holds (0 for an all-zero map).
    public func fraction(inside: (_ x: Int, _ y: Int) -> Bool) -> Double {
        var total = 0.0, within = 0.0
        for y in 0..<height {
            for x in 0..<width {
                let v = Double(values[y * width + x])
                total += v
                if inside(x, y) { within += v }
            }
        }
        return total > 0 ? within / total : 0
    }
}

/// Saliency of a trained network's decisions: Grad-CAM (Selvaraju et al. 2017) on a ResNet's convolutional stage,
/// attention rollout (Abnar & Zuidema 2020) for a vision transformer, and integrated gradients
/// (Sundararajan et al. 2017) with respect to the input pixels for either.
///
/// Both explain the log-odds of the target class, `z_t - log Σ_{j≠t} exp(z_j)` (for two classes the logit
/// difference): unlike the probability it does not saturate for confident predictions, so the gradients stay
/// informative. Images are at the network's input size and channels, as `SampleSet` yields them; the model is
/// run in evaluation mode and its parameter gradients are cleared afterwards.
public struct SaliencyExplainer {
    public let model: any Classifier
    public let preprocessing: Preprocessing

    /// Grad-CAM's default stage: layer1, input/4-pixel cells (16x16 at 64 px). It is the one stage whose map moved
    /// with a shifted object in `SaliencyTests.gradCAMFollowsAShiftedObject` (a quarter of the way, with 3.5 times the
    /// object's share of the map on it); layer2, layer3 and layer4 stayed put (layer4's 2x2 cells at 64 px light a
    /// corner whatever the object). Integrated gradients follow the object far better.
    public static let defaultGradCAMStage = ResNetStage.layer1

    public init(model: any Classifier, preprocessing: Preprocessing) {
        self.model = model
        self.preprocessing = preprocessing
    }

    /// Class probabilities [N][classes] of images, for choosing targets and reporting.
    public func probabilities(_ images: [Image]) throws -> [[Double]] {
        model.eval()
        defer { model.train() }
        let logits = try withNoGrad { try model(Variable(preprocessing.batch(images))) }.value
        let p = try logits.softmax()
        let k = p.shape[1]
        return (0..<images.count).map { i in (0..<k).map { Double(p.scalars[i * k + $0]) } }
    }

    /// Grad-CAM: relu(Σ_k α_k A_k) with A the activation after `stage` and α_k the spatial mean of the score's
    /// gradient with respect to channel k, upsampled bilinearly (half-pixel centres) to the input size.
    /// `targets` defaults to each image's predicted class; `stage` to `defaultGradCAMStage`.
    public func gradCAM(_ images: [Image], targets: [Int]? = nil, stage: ResNetStage = Self.defaultGradCAMStage) throws -> [SaliencyMap] {
        guard !images.isEmpty else { return [] }
        guard let model = model as? ResNet else {
            throw ConfigurationError(message: "Grad-CAM needs a convolutional network (a ResNet run); use attention rollout or integrated gradients")
        }
        try checkTargets(targets, count: images.count)
        model.eval()
        defer { model.train(); model.zeroGrad() }
        let input = Variable(try preprocessing.batch(images))
        let activation = try withNoGrad { try model.features(input, upTo: stage) }.value
        let leaf = Variable(activation, requiresGrad: true)
        let logits = try model.head(leaf, after: stage)
        let seed = try scoreSeed(logits.value, targets: targets)
        try logits.backward(seed: seed)
        guard let gradient = leaf.grad else {
            throw ConfigurationError(message: "Grad-CAM: no gradient reached the \(stage.rawValue) activation")
        }
        let (n, c, h, w) = (activation.shape[0], activation.shape[1], activation.shape[2], activation.shape[3])
        let plane = h * w
        return (0..<n).map { i in
            var cam = [Float](repeating: 0, count: plane)
            activation.withUnsafeBufferPointer { a in
                gradient.withUnsafeBufferPointer { g in
                    for k in 0..<c {
                        let base = (i * c + k) * plane
                        var alpha: Float = 0
                        for p in 0..<plane { alpha += g[base + p] }
                        alpha /= Float(plane)
                        for p in 0..<plane { cam[p] += alpha * a[base + p] }
                    }
                }
            }
            let map = SaliencyMap(width: w, height: h, values: cam.map { max($0, 0) })
            return upsampled(map, width: images[i].width, height: images[i].height)
        }
    }

    /// Attention rollout of a vision transformer: the class token's attention, rolled out through the layers, over
    /// the patch grid, upsampled bilinearly to the input size. It does not depend on a target class.
    public func attentionRollout(_ images: [Image]) throws -> [SaliencyMap] {
        guard !images.isEmpty else { return [] }
        guard let model = model as? VisionTransformer else {
            throw ConfigurationError(message: "attention rollout needs a vision transformer run; use Grad-CAM or integrated gradients")
        }
        model.eval()
        defer { model.train() }
        let maps = try model.attentionRolloutMaps(Variable(preprocessing.batch(images)))
        let g = maps.shape[1]
        return images.indices.map { i in
            let map = SaliencyMap(width: g, height: g, values: Array(maps.scalars[(i * g * g)..<((i + 1) * g * g)]))
            return upsampled(map, width: images[i].width, height: images[i].height)
        }
    }

    /// Integrated gradients against a black image (or `baseline`), as a Riemann sum over `steps` points at the
    /// midpoints of the path: attribution = (x - x') ⊙ mean_k ∇score(x' + (k + ½)/steps · (x - x')). `signed`
    /// holds the attributions per input element ([C, H, W]; they sum to about score(x) - score(x')); the map is
    /// their absolute value summed over channels.
    public func integratedGradients(_ image: Image, target: Int? = nil, steps: Int = 32, baseline: Image? = nil,
                                    batchSize: Int = 16) throws -> (map: SaliencyMap, signed: Tensor) {
        guard steps >= 1 else { throw ConfigurationError(message: "integrated gradients: steps must be at least 1, got \(steps)") }
        let base = baseline ?? Image(width: image.width, height: image.height, channels: image.channels)
        guard (base.width, base.height, base.channels) == (image.width, image.height, image.channels) else {
            throw ConfigurationError(message:
                "integrated gradients: baseline is \(base.width)x\(base.height)x\(base.channels), image \(image.width)x\(image.height)x\(image.channels)")
        }
        let target = try target ?? argmaxRow(probabilities([image])[0])
        try checkTargets([target], count: 1)
        let x = try preprocessing.batch([image]), x0 = try preprocessing.batch([base])
        let size = x.count
        var total = [Double](repeating: 0, count: size)
        model.eval()
        defer { model.train(); model.zeroGrad() }
        var k = 0
        while k < steps {
            let m = min(batchSize, steps - k)
            var path = [Float](repeating: 0, count: m * size)
            for r in 0..<m {
                let alpha = (Float(k + r) + 0.5) / Float(steps)
                for j in 0..<size { path[r * size + j] = x0.scalars[j] + alpha * (x.scalars[j] - x0.scalars[j]) }
            }
            let points = Variable(Tensor(shape: [m] + Array(x.shape.dropFirst()), scalars: path), requiresGrad: true)
            let logits = try model(points)
            try logits.backward(seed: scoreSeed(logits.value, targets: Array(repeating: target, count: m)))
            guard let g = points.grad else { throw ConfigurationError(message: "integrated gradients: no input gradient") }
            for r in 0..<m { for j in 0..<size { total[j] += Double(g.scalars[r * size + j]) } }
            model.zeroGrad()
            k += m
        }
        var signed = Tensor(shape: Array(x.shape.dropFirst()))
        for j in 0..<size { signed.scalars[j] = Float(total[j] / Double(steps)) * (x.scalars[j] - x0.scalars[j]) }
        let plane = image.width * image.height
        var map = [Float](repeating: 0, count: plane)
        for c in 0..<image.channels { for p in 0..<plane { map[p] += abs(signed.scalars[c * plane + p]) } }
        return (SaliencyMap(width: image.width, height: image.height, values: map), signed)
    }

    /// The explained score of each image: the target's log-odds against the other classes.
    public func scores(_ images: [Image], targets: [Int]) throws -> [Double] {
        try checkTargets(targets, count: images.count)
        model.eval()
        defer { model.train() }
        let logits = try withNoGrad { try model(Variable(preprocessing.batch(images))) }.value
        let k = logits.shape[1]
        return targets.enumerated().map { i, t in
            let row = (0..<k).map { Double(logits.scalars[i * k + $0]) }
            let others = row.enumerated().filter { $0.offset != t }.map(\.element)
            guard let top = others.max() else { return row[t] }
            return row[t] - (top + log(others.reduce(0) { $0 + exp($1 - top) }))
        }
    }

    /// d score / d logits for each row: 1 at the target, minus the softmax over the other classes elsewhere.
    private func scoreSeed(_ logits: Tensor, targets: [Int]?) throws -> Tensor {
        let (n, k) = (logits.shape[0], logits.shape[1])
        var seed = Tensor(shape: logits.shape)
        for i in 0..<n {
            let row = (0..<k).map { logits.scalars[i * k + $0] }
            let t = targets?[i] ?? argmaxRow(row.map(Double.init))
            let others = (0..<k).filter { $0 != t }
            let top = others.map { row[$0] }.max() ?? 0
            let sum = others.reduce(Float(0)) { $0 + exp(row[$1] - top) }
            seed.scalars[i * k + t] = 1
            for j in others { seed.scalars[i * k + j] = -exp(row[j] - top) / sum }
        }
        return seed
    }

    private func checkTargets(_ targets: [Int]?, count: Int) throws {
        guard let targets else { return }
        guard targets.count == count else {
            throw ConfigurationError(message: "saliency: \(targets.count) targets for \(count) images")
        }
        if let bad = targets.first(where: { !(0..<model.classes).contains($0) }) {
            throw ConfigurationError(message: "saliency: target class \(bad) is not one of the model's \(model.classes) classes")
        }
    }
}

private func argmaxRow(_ row: [Double]) -> Int {
    row.indices.max { row[$0] < row[$1] } ?? 0
}

/// Bilinear resampling with half-pixel centres (PyTorch's `interpolate(mode="bilinear", align_corners=False)`).
func upsampled(_ map: SaliencyMap, width: Int, height: Int) -> SaliencyMap {
    if map.width == width && map.height == height { return map }
    var out = [Float](repeating: 0, count: width * height)
    let sx = Double(map.width) / Double(width), sy = Double(map.height) / Double(height)
    for y in 0..<height {
        let fy = max(0, (Double(y) + 0.5) * sy - 0.5)
        let y0 = min(Int(fy), map.height - 1), y1 = min(y0 + 1, map.height - 1)
        let wy = Float(fy - Double(y0))
        for x in 0..<width {
            let fx = max(0, (Double(x) + 0.5) * sx - 0.5)
            let x0 = min(Int(fx), map.width - 1), x1 = min(x0 + 1, map.width - 1)
            let wx = Float(fx - Double(x0))
            let v = map.values
            let top = v[y0 * map.width + x0] * (1 - wx) + v[y0 * map.width + x1] * wx
            let bottom = v[y1 * map.width + x0] * (1 - wx) + v[y1 * map.width + x1] * wx
            out[y * width + x] = top * (1 - wy) + bottom * wy
        }
    }
    return SaliencyMap(width: width, height: height, values: out)
}
