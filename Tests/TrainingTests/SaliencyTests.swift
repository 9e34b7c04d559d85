import Files
import Dataset
import Foundation
import Imaging
import NN
import Testing
import Autodiff
@testable import Runs
@testable import Training

/// A ResNet-10 trained for a few epochs on a small synthetic field (48 px cutouts), shared by the saliency tests.
enum SyntheticModel {
    static let size = 40
    static let field: SyntheticField = {
        var field = SyntheticField(seed: 2024, count: 300)
        field.cutoutSize = size
        field.pixelScale = 20.0 / Double(size)  // the real cutouts' 20 arcsec field
        return field
    }()
    /// Objects 0..<200 train, 200..<240 validate, 240..<300 are held out for the saliency measurements.
    static let objects = field.generate()

    static func samples(_ range: Range<Int>) -> SampleSet {
        let chosen = Array(objects[range])
        return SampleSet(ids: chosen.map(\.name), labels: chosen.map(\.label)) { i, augmentation in
            try augmentation.apply(to: chosen[i].image, width: size, height: size)
        }
    }

    // Only the serialized `SaliencyTests` touch the model (its train/eval mode is mutable state).
    nonisolated(unsafe) static let trained: Result<TrainedModel, Error> = Result {
        var config = TrainingConfiguration()
        config.model = .resnet10
        config.inputSize = size
        config.epochs = 4
        config.batchSize = 16
        config.optimizer = .adam
        config.learningRate = 2e-3
        config.schedule = .constant
        config.augmentation = .online
        config.patience = 0
        config.seed = 3
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("perseus-saliency-\(UUID())")
        defer { try? FileManager.default.removeItem(at: url) }
        let run = try RunFolder.create(at: url, force: false)
        try AtomicFile.write(Data(config.yaml().utf8), to: run.configuration)
        let trainer = Trainer(configuration: config, run: run, training: samples(0..<200), validation: samples(200..<240))
        trainer.showProgressBar = false
        trainer.report = { _ in }
        _ = try trainer.fit()
        return try TrainedModel.load(run: run)
    }

    /// Held-out galaxies (stars have no extent to look at).
    static var heldOutGalaxies: [SyntheticObject] { objects[240..<300].filter { $0.kind != .star } }
}

/// The image rolled by (dx, dy) pixels with wrap-around: the object moves off centre, the sky stays sky.
private func rolled(_ image: Image, dx: Int, dy: Int) -> Image {
    var out = image
    let (w, h) = (image.width, image.height)
    for c in 0..<image.channels {
        for y in 0..<h {
            for x in 0..<w {
                out.pixels[(c * h + (y + dy + h) % h) * w + (x + dx + w) % w] = image.pixels[(c * h + y) * w + x]
            }
        }
    }
    return out
}

@Suite(.serialized) struct SaliencyTests {
    @Test func modelLearnedTheSyntheticField() throws {
        let trained = try SyntheticModel.trained.get()
        let held = SyntheticModel.samples(240..<300)
        let predictions = try predict(trained.model, on: held, preprocessing: trained.preprocessing)
        // Members are 45% of the field: a model that learned nothing scores about 0.55.
        #expect(predictions.accuracy() > 0.7, "held-out accuracy \(predictions.accuracy())")
    }

    /// Integrated gradients put several times the ellipse's share of the saliency inside the object's half-light
    /// ellipse, and moving the object moves the saliency with it (so it is not a learned prior on the centre).
    @Test func integratedGradientsConcentrateOnTheGalaxy() throws {
        let trained = try SyntheticModel.trained.get()
        let explainer = SaliencyExplainer(model: trained.model, preprocessing: trained.preprocessing)
        let galaxies = Array(SyntheticModel.heldOutGalaxies.prefix(24))
        try #require(galaxies.count >= 20)
        let size = SyntheticModel.size
        var area = 0.0, ig = 0.0, cam = 0.0, igShifted = 0.0, igLeftBehind = 0.0
        for galaxy in galaxies {
            let e = galaxy.halfLight
            area += e.areaFraction(width: size, height: size)
            ig += try explainer.integratedGradients(galaxy.image, target: galaxy.label, steps: 8).map
                .fraction { e.contains(x: Double($0), y: Double($1)) }
            cam += try explainer.gradCAM([galaxy.image], targets: [galaxy.label], stage: .layer2)[0]
                .fraction { e.contains(x: Double($0), y: Double($1)) }
            // The object moved 12 px right and 9 px down (the sky wraps round).
            var moved = e
            moved.x += 12; moved.y += 9
            let map = try explainer.integratedGradients(rolled(galaxy.image, dx: 12, dy: 9), target: galaxy.label, steps: 8).map
            igShifted += map.fraction { moved.contains(x: Double($0), y: Double($1)) }
            igLeftBehind += map.fraction { e.contains(x: Double($0), y: Double($1)) && !moved.contains(x: Double($0), y: Double($1)) }
        }
        let n = Double(galaxies.count)
        (area, ig, cam, igShifted, igLeftBehind) = (area / n, ig / n, cam / n, igShifted / n, igLeftBehind / n)
        // Grad-CAM is printed, not judged: on these small, coarse maps it does not single out the object (see the report).
        print(String(format: "saliency inside the half-light ellipse (area %.3f): integrated gradients %.3f, moved %.3f (left behind %.3f); Grad-CAM(layer2) %.3f",
                     area, ig, igShifted, igLeftBehind, cam))
        #expect(ig > 4 * area, "integrated gradients: \(ig) inside vs area \(area)")
        #expect(igShifted > 4 * area, "moved object: \(igShifted) inside vs area \(area)")
        #expect(igLeftBehind < 0.25 * igShifted, "saliency left at the old position: \(igLeftBehind)")
    }

    /// Grad-CAM at its default stage (layer1) follows the object: moved 12 px right and 9 down, the map's centre of
    /// mass moves part of the way with it (0.28 of the shift when measured), and the map keeps more than twice the
    /// object's share of the image on it. Every stage's figures are printed; measured, layer2 (-0.10 of the shift),
    /// layer3 (-0.02) and layer4 (-0.15) stayed put, with no more on the object than its area.
    @Test func gradCAMFollowsAShiftedObject() throws {
        let trained = try SyntheticModel.trained.get()
        let explainer = SaliencyExplainer(model: trained.model, preprocessing: trained.preprocessing)
        let galaxies = Array(SyntheticModel.heldOutGalaxies.prefix(24))
        try #require(galaxies.count >= 20)
        let size = SyntheticModel.size
        func centre(_ map: SaliencyMap) -> (x: Double, y: Double) {
            var total = 0.0, x = 0.0, y = 0.0
            for j in 0..<map.height {
                for i in 0..<map.width {
                    let v = Double(map.values[j * map.width + i])
                    total += v; x += v * Double(i); y += v * Double(j)
                }
            }
            return total > 0 ? (x / total, y / total) : (Double(map.width) / 2, Double(map.height) / 2)
        }
        var followed: [ResNetStage: (along: Double, inside: Double, area: Double)] = [:]
        for stage in [ResNetStage.layer1, .layer2, .layer3, .layer4] {
            var along = 0.0, inside = 0.0, area = 0.0
            for galaxy in galaxies {
                var moved = galaxy.halfLight
                moved.x += 12; moved.y += 9
                let before = try explainer.gradCAM([galaxy.image], targets: [galaxy.label], stage: stage)[0]
                let after = try explainer.gradCAM([rolled(galaxy.image, dx: 12, dy: 9)], targets: [galaxy.label], stage: stage)[0]
                let (c0, c1) = (centre(before), centre(after))
                // The centre's move projected on the object's move, as a share of it (1: moved as far as the object).
                along += ((c1.x - c0.x) * 12 + (c1.y - c0.y) * 9) / (12 * 12 + 9 * 9)
                inside += after.fraction { moved.contains(x: Double($0), y: Double($1)) }
                area += moved.areaFraction(width: size, height: size)
            }
            let n = Double(galaxies.count)
            followed[stage] = (along / n, inside / n, area / n)
            print(String(format: "Grad-CAM(%@) on the moved object: centre moved %.2f of the shift; %.3f inside the half-light ellipse (area %.3f)",
                         stage.rawValue, along / n, inside / n, area / n))
        }
        let chosen = try #require(followed[SaliencyExplainer.defaultGradCAMStage])
        #expect(chosen.along > 0.15, "Grad-CAM(\(SaliencyExplainer.defaultGradCAMStage)) centre moved \(chosen.along) of the shift")
        #expect(chosen.inside > 2 * chosen.area, "Grad-CAM inside \(chosen.inside) vs area \(chosen.area)")
    }

    /// With global average pooling and a linear head, Grad-CAM on the last stage is the class activation map
    /// relu(Σ_k (Σ_j seed_j W_jk) A_k) / (h w) computed straight from `fc`'s weights.
    @Test func gradCAMOnTheLastStageIsTheClassActivationMap() throws {
        let trained = try SyntheticModel.trained.get()
        let model = try #require(trained.model as? ResNet, "a resnet10 run")
        let explainer = SaliencyExplainer(model: model, preprocessing: trained.preprocessing)
        let image = SyntheticModel.heldOutGalaxies[0].image
        let big = try image.resized(width: 96, height: 96)  // layer4 is 3x3 at 96 px
        let map = try explainer.gradCAM([big], targets: [1], stage: .layer4)[0]
        model.eval()
        defer { model.train() }
        let input = try trained.preprocessing.batch([big])
        let a = try model.features(Autodiff.Variable(input), upTo: .layer4).value
        let logits = try model.head(Autodiff.Variable(a), after: .layer4).value
        #expect(try model(Autodiff.Variable(input)).value == logits)
        let (c, h, w) = (a.shape[1], a.shape[2], a.shape[3])
        let weight = model.fc.weight.value  // [2, c]
        // d(z1 - z0)/dz = (-1, 1) for two classes.
        var cam = [Float](repeating: 0, count: h * w)
        for k in 0..<c {
            let alpha = (weight.scalars[c + k] - weight.scalars[k]) / Float(h * w)
            for p in 0..<(h * w) { cam[p] += alpha * a.scalars[k * h * w + p] }
        }
        let expected = upsampled(SaliencyMap(width: w, height: h, values: cam.map { max($0, 0) }), width: 96, height: 96)
        let scale = expected.values.max() ?? 1
        #expect(zip(map.values, expected.values).allSatisfy { abs($0 - $1) <= 1e-4 * max(scale, 1) })
    }

    /// The Riemann sum of integrated gradients adds up to score(x) - score(black), its completeness axiom: a check
    /// of the gradient, the path and the attribution as a whole.
    @Test func integratedGradientsAreComplete() throws {
        let trained = try SyntheticModel.trained.get()
        let explainer = SaliencyExplainer(model: trained.model, preprocessing: trained.preprocessing)
        for galaxy in SyntheticModel.heldOutGalaxies.prefix(2) {
            let black = Image(width: galaxy.image.width, height: galaxy.image.height, channels: galaxy.image.channels)
            let scores = try explainer.scores([galaxy.image, black], targets: [1, 1])
            let signed = try explainer.integratedGradients(galaxy.image, target: 1, steps: 64).signed
            let total = signed.scalars.reduce(0.0) { $0 + Double($1) }
            let difference = scores[0] - scores[1]
            #expect(abs(total - difference) <= 0.05 * abs(difference) + 0.05,
                    "attributions sum to \(total), score difference \(difference)")
        }
    }

    @Test func gradCAMMapsHaveTheInputSizeAndExplainChosenTargets() throws {
        let trained = try SyntheticModel.trained.get()
        let explainer = SaliencyExplainer(model: trained.model, preprocessing: trained.preprocessing)
        let images = SyntheticModel.heldOutGalaxies.prefix(2).map(\.image)
        let maps = try explainer.gradCAM(images, stage: .layer4)
        #expect(maps.count == 2)
        #expect(maps.allSatisfy { $0.width == SyntheticModel.size && $0.height == SyntheticModel.size })
        #expect(maps.allSatisfy { $0.values.allSatisfy { $0 >= 0 } })
        #expect { try explainer.gradCAM(images, targets: [0, 5]) } throws: { "\($0)".contains("target class 5") }
        #expect { try explainer.integratedGradients(images[0], steps: 0) } throws: { "\($0)".contains("steps") }
    }
}

@Suite struct SaliencyMapTests {
    @Test func bilinearUpsamplingMatchesPyTorch() {
        // torch.nn.functional.interpolate(torch.tensor([[[[0., 1.], [2., 3.]]]]), size=4, mode="bilinear",
        // align_corners=False) -> rows [0, .25, .75, 1], [.5, .75, 1.25, 1.5], [1.5, 1.75, 2.25, 2.5], [2, 2.25, 2.75, 3]
        let map = upsampled(SaliencyMap(width: 2, height: 2, values: [0, 1, 2, 3]), width: 4, height: 4)
        let expected: [Float] = [0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3]
        #expect(zip(map.values, expected).allSatisfy { abs($0 - $1) < 1e-6 }, "\(map.values)")
    }

    @Test func fractionInsideCountsTheMapsMass() {
        let map = SaliencyMap(width: 2, height: 2, values: [3, 1, 0, 0])
        #expect(map.fraction { x, _ in x == 0 } == 0.75)
        #expect(SaliencyMap(width: 1, height: 1, values: [0]).fraction { _, _ in true } == 0)
    }

    @Test func halfLightEllipseOfTheSyntheticFieldIsWhereTheLightIs() {
        // A bright object's half-light ellipse holds about half of its sky-subtracted light.
        var field = SyntheticField(seed: 5, count: 40)
        field.cutoutSize = 64
        field.pixelScale = 20.0 / 64
        field.neighbourRate = 0
        field.redArtefactRate = 0
        var checked = 0
        for object in field.generate() where object.kind == .clusterDwarf && object.rMagnitude < 17.5 {
            let plane = 64 * 64
            let r = Array(object.image.pixels[plane..<(2 * plane)])  // G plane = r band
            let sky = r.sorted()[plane / 10]
            var inside = 0.0, total = 0.0
            for y in 0..<64 {
                for x in 0..<64 {
                    let v = Double(max(0, r[y * 64 + x] - sky))
                    total += v
                    if object.halfLight.contains(x: Double(x), y: Double(y)) { inside += v }
                }
            }
            // The asinh stretch compresses the core, so the stretched light is less concentrated than the flux.
            #expect(inside / total > 0.2 && inside / total < 0.8, "\(object.name): \(inside / total) inside")
            #expect(abs(object.halfLight.x - 31.5) < 2 && abs(object.halfLight.y - 31.5) < 2)
            checked += 1
        }
        #expect(checked >= 2)
    }
}
