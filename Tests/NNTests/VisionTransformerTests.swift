import Foundation
import Testing
import Tensor
import Autodiff
@testable import NN
import SeededRandom

/// The vision transformer: torchvision's names and outputs, whole-model finite-difference gradients, learning a
/// small task, checkpoints, and attention rollout on a hand-checkable case.
@Suite struct VisionTransformerTests {
    /// image 8, patch 4 (4 patches + class token), width 8, 2 layers of 2 heads, MLP 16.
    static let small = VisionTransformerConfiguration(imageSize: 8, patchSize: 4, features: 8, depth: 2, heads: 2, mlpFeatures: 16)

    /// torchvision 0.29's `VisionTransformer(image_size=8, patch_size=4, num_layers=2, num_heads=2, hidden_dim=8,
    /// mlp_dim=16, num_classes=3)` in eval mode, every state_dict entry filled in key order with
    /// 0.5 sin(0.37 k) (k counting elements across entries), on x = cos(0.23 i) reshaped to [2, 3, 8, 8].
    @Test func matchesTorchvision() throws {
        let keys = ["class_token", "conv_proj.weight", "conv_proj.bias", "encoder.pos_embedding"]
            + (0..<2).flatMap { i in
                ["ln_1.weight", "ln_1.bias", "self_attention.in_proj_weight", "self_attention.in_proj_bias",
                 "self_attention.out_proj.weight", "self_attention.out_proj.bias", "ln_2.weight", "ln_2.bias",
                 "mlp.0.weight", "mlp.0.bias", "mlp.3.weight", "mlp.3.bias"].map { "encoder.layers.encoder_layer_\(i).\($0)" }
            }
            + ["encoder.ln.weight", "encoder.ln.bias", "heads.head.weight", "heads.head.bias"]
        let model = try VisionTransformer(Self.small, classes: 3, seed: 1)
        #expect(model.namedParameters().map(\.name) == keys)
        var k = 0
        for (_, p) in model.namedParameters() {
            let n = p.value.count
            p.value = Tensor(shape: p.shape, scalars: (0..<n).map { Float(0.5 * sin(0.37 * Double(k + $0))) })
            k += n
        }
        let x = Tensor(shape: [2, 3, 8, 8], scalars: (0..<384).map { Float(cos(0.23 * Double($0))) })
        model.eval()
        let logits = try withNoGrad { try model(Variable(x)) }.value
        let expected: [Float] = [-1.1751351356506348, 0.9456643462181091, -0.8102001547813416,
                                 -1.1760313510894775, 0.9461084008216858, -0.8101776838302612]
        #expect(logits.shape == [2, 3])
        for (a, b) in zip(logits.scalars, expected) { #expect(abs(a - b) < 1e-4, "\(logits.scalars) vs \(expected)") }
    }

    @Test func vitTinyShapeAndNames() throws {
        let config = try #require(VisionTransformerConfiguration(name: "vit-tiny", imageSize: 64))
        #expect(config.tokens == 65)
        let model = try VisionTransformer(config, name: "vit-tiny", classes: 2, seed: 0)
        let names = Set(model.namedParameters().map(\.name))
        #expect(names.contains("encoder.layers.encoder_layer_3.self_attention.out_proj.weight"))
        #expect(!names.contains("encoder.layers.encoder_layer_4.ln_1.weight"))
        #expect((400_000...600_000).contains(model.parameterCount), "\(model.parameterCount)")
        let logits = try model(Variable(Tensor.zeros([2, 3, 64, 64])))
        #expect(logits.shape == [2, 2])
        #expect(throws: EngineError.self) { try model(Variable(Tensor.zeros([2, 3, 32, 32]))) }
        #expect(throws: EngineError.self) {
            try VisionTransformer(VisionTransformerConfiguration(imageSize: 8, patchSize: 4, features: 6, depth: 1, heads: 4, mlpFeatures: 8), classes: 2)
        }
    }

    /// The whole network's gradients with respect to its input (`gradientCheck`) and to every parameter (the same
    /// central differences, probing a few elements of each parameter).
    @Test func wholeModelGradients() throws {
        let model = try VisionTransformer(Self.small, inputChannels: 2, classes: 3, seed: 3)
        var rng = SeededGenerator(seed: 4)
        // The head starts at zero (as torchvision's), which would leave every other gradient zero.
        model.heads.head.weight.value = Tensor.normal([3, 8], std: 0.5, using: &rng)
        model.encoder.positionEmbedding.value = Tensor.normal([1, 5, 8], std: 0.5, using: &rng)
        model.classToken.value = Tensor.normal([1, 1, 8], std: 0.5, using: &rng)
        let x = Tensor.normal([2, 2, 8, 8], using: &rng)
        let inputCheck = try gradientCheck([x], epsilon: 1e-2, maxElements: 48) { v in try model(v[0]) }
        #expect(inputCheck.maxError < 5e-3, "input: \(inputCheck)")

        let labels = [2, 0]
        func loss() throws -> Double {
            Double(try softmaxCrossEntropy(logits: model(Variable(x)), labels: labels).value.scalars[0])
        }
        model.zeroGrad()
        try softmaxCrossEntropy(logits: model(Variable(x)), labels: labels).backward()
        var worst = (error: 0.0, name: "")
        let epsilon: Float = 1e-2
        for (name, p) in model.namedParameters() {
            let grad = try #require(p.grad, "\(name) has a gradient")
            for i in Set((0..<6).map { _ in Int(rng.next() % UInt64(p.value.count)) }) {
                let original = p.value.scalars[i]
                p.value.scalars[i] = original + epsilon
                let plus = try loss()
                p.value.scalars[i] = original - epsilon
                let minus = try loss()
                p.value.scalars[i] = original
                let numeric = (plus - minus) / (Double(original + epsilon) - Double(original - epsilon))
                let analytic = Double(grad.scalars[i])
                let error = abs(analytic - numeric) / max(1, abs(analytic), abs(numeric))
                if error > worst.error { worst = (error, "\(name)[\(i)] analytic \(analytic) numeric \(numeric)") }
            }
        }
        #expect(worst.error < 5e-3, "parameters: \(worst)")
    }

    /// Class 0: a bright square in the top-left quadrant; class 1: in the bottom-right. Noise elsewhere.
    func quadrants(count: Int, seed: UInt64) -> (Tensor, [Int]) {
        var rng = SeededGenerator(seed: seed)
        var images = Tensor.normal([count, 1, 8, 8], std: 0.3, using: &rng)
        let labels = (0..<count).map { $0 % 2 }
        for (i, label) in labels.enumerated() {
            let origin = label == 0 ? 0 : 4
            for y in origin..<(origin + 4) { for x in origin..<(origin + 4) { images[i, 0, y, x] += 1.5 } }
        }
        return (images, labels)
    }

    @Test func learnsASmallTask() throws {
        let config = VisionTransformerConfiguration(imageSize: 8, patchSize: 2, features: 16, depth: 2, heads: 2, mlpFeatures: 32)
        let model = try VisionTransformer(config, inputChannels: 1, classes: 2, seed: 5)
        let optimizer = Adam(parameters: model.namedParameters(), learningRate: 3e-3)
        let (images, labels) = quadrants(count: 32, seed: 6)
        var losses: [Float] = []
        for _ in 0..<60 {
            optimizer.zeroGrad()
            let loss = try softmaxCrossEntropy(logits: model(Variable(images)), labels: labels)
            try loss.backward()
            try optimizer.step()
            losses.append(loss.value.scalars[0])
        }
        #expect(abs(losses[0] - Float(log(2.0))) < 1e-3, "a zero head starts at log 2: \(losses[0])")
        #expect(losses.suffix(5).allSatisfy { $0 < 0.1 }, "losses \(losses.enumerated().filter { $0.offset % 10 == 0 }.map(\.element)) ... \(losses.last!)")
        // Held-out images of the same kind.
        let (test, testLabels) = quadrants(count: 16, seed: 7)
        model.eval()
        let logits = try withNoGrad { try model(Variable(test)) }.value
        let right = testLabels.indices.filter { logits[$0, testLabels[$0]] > logits[$0, 1 - testLabels[$0]] }.count
        #expect(right >= 15, "\(right)/16 held-out images right")
    }

    @Test func checkpointRoundTrip() throws {
        let model = try VisionTransformer(Self.small, name: "vit-small-test", classes: 2, seed: 8)
        var rng = SeededGenerator(seed: 9)
        model.heads.head.weight.value = Tensor.normal([2, 8], using: &rng)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vit-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.save(to: url, metadata: model.metadata)
        let loaded = try loadClassifier(try SafeTensors(contentsOf: url), source: url.path)
        let vit = try #require(loaded as? VisionTransformer)
        #expect(vit.configuration == Self.small && vit.name == "vit-small-test" && vit.classes == 2)
        let x = Variable(Tensor.normal([1, 3, 8, 8], using: &rng))
        #expect(try vit(x).value == model(x).value)
        var broken = try SafeTensors(contentsOf: url)
        broken.metadata[VisionTransformer.MetadataKey.heads] = nil
        #expect(throws: CheckpointError.self) { try loadClassifier(broken, source: "broken") }
    }

    /// Two layers, two heads, two tokens. Head means [[0.5, 0.5], [0, 1]]; with the identity and renormalised,
    /// [[0.75, 0.25], [0, 1]]; its square is [[0.5625, 0.4375], [0, 1]].
    @Test func rolloutByHand() throws {
        let layer = Tensor(shape: [1, 2, 2, 2], scalars: [1, 0, 0, 1, /* head 2 */ 0, 1, 0, 1])
        let one = try attentionRollout([layer])
        #expect(one.scalars == [0.75, 0.25, 0, 1])
        let two = try attentionRollout([layer, layer])
        #expect(two.scalars == [0.5625, 0.4375, 0, 1])
        #expect(throws: EngineError.self) { try attentionRollout([]) }
        #expect(throws: EngineError.self) { try attentionRollout([layer, Tensor.zeros([1, 2, 3, 3])]) }
    }

    @Test func rolloutMapsOverThePatchGrid() throws {
        let model = try VisionTransformer(Self.small, classes: 2, seed: 10)
        var rng = SeededGenerator(seed: 11)
        let maps = try model.attentionRolloutMaps(Variable(Tensor.normal([3, 3, 8, 8], using: &rng)))
        #expect(maps.shape == [3, 2, 2])
        for i in 0..<3 {
            let total = (0..<4).reduce(Float(0)) { $0 + maps.scalars[i * 4 + $1] }
            #expect(total > 0 && total < 1, "the class token keeps part of its own attention: \(total)")
        }
        #expect(model.encoder.layers.blocks.allSatisfy { !$0.selfAttention.recordsAttention })
    }
}
