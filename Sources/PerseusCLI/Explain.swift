import Files
import ArgumentParser
import Astro
import Dataset
import Foundation
import Imaging
import NN
import Report
import Runs
import Training

/// `perseus explain`: where a trained run looks, per object, as Grad-CAM (ResNet runs), attention-rollout (vision
/// transformer runs) and integrated-gradients overlays.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Saliency maps of a trained run's decisions (Grad-CAM and integrated gradients) as overlays on the cutouts.",
        discussion: """
            For every object writes <id>.png (the network input), <id>-gradcam.png and <id>-ig.png (the maps laid \
            over it; bright yellow = most salient) and saliency.csv (id, true label when known, membership \
            probability (with more classes: the predicted class's name and p_<class> for every class), whether the \
            prediction is right, the files). Both maps explain the predicted class's \
            log-odds. Grad-CAM uses the activation after --stage (layer4, the last convolutional stage, is coarse: \
            input/32 pixels); integrated gradients integrate the input gradient from a black image in --steps steps. \
            For a vision transformer run (vit-tiny) use --methods rollout,ig: <id>-rollout.png is the class token's \
            attention rolled out through the layers (Abnar & Zuidema 2020), on the patch grid.
            """)

    @OptionGroup var checkpoint: RunOption
    @Option(help: "Folder of cutouts (JPEG, PNG or FITS), named after the object ids.") var images: String?
    @Option(help: "Prepared dataset folder (from `perseus prepare`), instead of --images.") var data: String?
    @Option(help: "With --data: test, holdout, validation, train or all.") var split: JudgedSplit = .test
    @Option(help: "Output folder.") var out: String
    // layer1 by default: its input/4-pixel cells (16x16 at 64 px) make the one stage whose map moved with a shifted
    // object in SaliencyTests; layer2-4 stayed put, and integrated gradients follow the object far better.
    @Option(help: "Stage for Grad-CAM: \(ResNetStage.allCases.map(\.rawValue).joined(separator: ", ")); layer1 (the default, cells of input/4 pixels) is the one whose map followed a shifted object in the tests.")
    var stage: ResNetStage = SaliencyExplainer.defaultGradCAMStage
    @Option(help: "Riemann steps of integrated gradients.") var steps: Int = 32
    @Option(help: "Opacity of the most salient pixels in the overlays (0...1).") var alpha: Double = 0.6
    @Option(help: "Explain at most this many objects (0: all).") var limit: Int = 0
    @Option(help: "Which maps: gradcam (ResNet), rollout (vision transformer), ig (comma-separated; default gradcam,ig or rollout,ig).") var methods: String?  // default: gradcam,ig for a ResNet run, rollout,ig for a vision transformer

    func validate() throws {
        guard (images == nil) != (data == nil) else { throw ValidationError("give exactly one of --images or --data") }
        guard steps >= 1, limit >= 0, (0...1).contains(alpha) else { throw ValidationError("--steps >= 1, --limit >= 0, --alpha in 0...1") }
        let chosen = (methods ?? "ig").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !chosen.isEmpty, chosen.allSatisfy({ ["gradcam", "rollout", "ig"].contains($0) }) else {
            throw ValidationError("--methods takes gradcam, rollout or ig (comma-separated), not '\(methods ?? "")'")
        }
    }

    func run() throws {
        let trained = try checkpoint.load()
        var objects: [PreparedObject]
        let labelled: Bool
        if let data {
            let dataset = try PreparedDataset.load(from: URL(fileURLWithPath: data))
            objects = dataset.objects(judgedOn: split)
            labelled = true
        } else {
            objects = try imageFolderObjects(URL(fileURLWithPath: images!))
            labelled = false
        }
        if limit > 0 { objects = Array(objects.prefix(limit)) }
        guard !objects.isEmpty else { throw ValidationError("no objects to explain") }

        let output = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let methods = self.methods ?? (trained.model is VisionTransformer ? "rollout,ig" : "gradcam,ig")
        let chosen = Set(methods.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        let explainer = SaliencyExplainer(model: trained.model, preprocessing: trained.preprocessing)
        let samples = SampleSet(objects: objects, preprocessing: trained.preprocessing)
        let bar = ProgressBar(total: objects.count, label: "explain")
        let classes = trained.configuration.classes
        let scores = classes.count > 2 ? "label," + classes.map { csvField("p_" + $0) }.joined(separator: ",") : "member_probability"
        var rows = ["id,true_label,\(scores),correct,input,gradcam_or_rollout,ig"]
        var right = 0
        for (i, object) in objects.enumerated() {
            let image = try samples.load(i, .identity)
            let p = try explainer.probabilities([image])[0]
            let predicted = classes.count > 2 ? mostProbable(p) : p[1] >= 0.5 ? 1 : 0
            let stem = safeFileStem(object.id)
            try writePNG(image, output.appendingPathComponent("\(stem).png"))
            var files = ["\(stem).png", "", ""]
            if chosen.contains("gradcam") {
                let map = try explainer.gradCAM([image], targets: [predicted], stage: stage)[0]
                try writePNG(saliencyOverlay(cutout: image, map: map.values, mapWidth: map.width, mapHeight: map.height, alpha: alpha),
                             output.appendingPathComponent("\(stem)-gradcam.png"))
                files[1] = "\(stem)-gradcam.png"
            }
            if chosen.contains("rollout") {
                let map = try explainer.attentionRollout([image])[0]
                try writePNG(saliencyOverlay(cutout: image, map: map.values, mapWidth: map.width, mapHeight: map.height, alpha: alpha),
                             output.appendingPathComponent("\(stem)-rollout.png"))
                files[1] = "\(stem)-rollout.png"
            }
            if chosen.contains("ig") {
                let map = try explainer.integratedGradients(image, target: predicted, steps: steps).map
                try writePNG(saliencyOverlay(cutout: image, map: map.values, mapWidth: map.width, mapHeight: map.height, alpha: alpha),
                             output.appendingPathComponent("\(stem)-ig.png"))
                files[2] = "\(stem)-ig.png"
            }
            if labelled && predicted == object.label { right += 1 }
            let truth = labelled ? (classes.count > 2 ? csvField(classes[object.label]) : String(object.label)) : ""
            let score = classes.count > 2 ? ([csvField(classes[predicted])] + p.map { String(format: "%.6f", $0) }).joined(separator: ",")
                                          : String(format: "%.6f", p[1])
            rows.append([csvField(object.id), truth, score,
                         labelled ? (predicted == object.label ? "1" : "0") : ""].joined(separator: ",") + "," + files.joined(separator: ","))
            bar.update(done: i + 1)
        }
        bar.finish()
        try AtomicFile.write(Data((rows.joined(separator: "\n") + "\n").utf8), to: output.appendingPathComponent("saliency.csv"))
        print("explained \(objects.count) objects\(labelled ? " (\(right) predicted right)" : ""); wrote \(output.appendingPathComponent("saliency.csv").path)")
    }
}

private func writePNG(_ image: Image, _ url: URL) throws {
    try AtomicFile.write(image.pngData(), to: url)
}

/// An object id as a file name: path separators and spaces replaced.
func safeFileStem(_ id: String) -> String {
    String(id.map { "/\\: ".contains($0) ? "_" : $0 })
}

