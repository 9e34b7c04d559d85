import ArgumentParser
import Astro
import Dataset
import Files
import Foundation
import Imaging
import Training

/// `perseus predict`: membership probabilities for a folder of cutouts.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predict cluster membership for every cutout in a folder (optionally joined to a catalogue).",
        discussion: "Writes one row per object: id, ra, dec (when the catalogue gives them), membership probability, its spread over augmentations, and the label.")

    @Option(name: .customLong("run"), help: "Run folder (from `perseus train`).")
    var runFolder: String

    @Option(help: "Folder of cutouts (JPEG, PNG or FITS), named after the object ids.")
    var images: String

    @Option(help: "Catalogue whose objects to predict (ids name the cutouts); without it every image in --images.")
    var catalog: String?

    @Option(help: "Output CSV file.")
    var out: String

    @Flag(help: "Average over the study's 16 rotations (test-time augmentation).")
    var tta = false

    @Option(help: "Membership probability at or above which an object is called a member.")
    var threshold: Double = 0.5

    @Flag(help: "Replace an existing output file.")
    var force = false

    func run() throws {
        let output = URL(fileURLWithPath: out)
        if FileManager.default.fileExists(atPath: output.path), !force {
            throw ValidationError("\(out) exists; use --force to replace it or choose another --out")
        }
        let trained = try TrainedModel.load(run: RunFolder.open(URL(fileURLWithPath: runFolder)))
        let folder = URL(fileURLWithPath: images)
        let index = try ImageFolderIndex(folder: folder)
        var objects: [PreparedObject] = []
        var missing: [String] = []
        if let catalog {
            for o in try Catalog.read(URL(fileURLWithPath: catalog)).objects {
                guard let url = index.url(for: o) else { missing.append(o.id); continue }
                objects.append(PreparedObject(id: o.id, source: "catalog", ra: o.ra, dec: o.dec, magnitude: o.magnitude,
                                              label: 0, split: .holdout, image: url))
            }
        } else {
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            for name in names where !name.hasPrefix(".") {
                let url = folder.appendingPathComponent(name)
                guard (try? Data(contentsOf: url, options: .mappedIfSafe)).flatMap({ ImageFormat.sniff($0.prefix(16)) }) != nil else { continue }
                objects.append(PreparedObject(id: url.deletingPathExtension().lastPathComponent, source: "images",
                                              ra: .nan, dec: .nan, label: 0, split: .holdout, image: url))
            }
        }
        guard !objects.isEmpty else { throw ValidationError("no images to predict in \(images)") }
        let samples = SampleSet(objects: objects, inputSize: trained.preprocessing.inputSize, grey: trained.preprocessing.grey)
        let bar = ProgressBar(total: objects.count * (tta ? 16 : 1), label: "predict")
        let predictions = try predict(trained.model, on: samples, preprocessing: trained.preprocessing,
                                      augmentations: tta ? AugmentationPlan.study().augmentations : [.identity], progress: bar)
        bar.finish()
        var text = predictionsCSV(predictions, objects: objects, threshold: threshold)
        if catalog == nil { text = text.replacingOccurrences(of: ",nan,nan,", with: ",,,") }
        try AtomicFile.write(Data(text.utf8), to: output)
        let members = predictions.predictedLabels(threshold: threshold).filter { $0 == 1 }.count
        print("\(objects.count) objects: \(members) predicted members; wrote \(out)")
        if !missing.isEmpty {
            print("\(missing.count) catalogue rows have no image: \(missing.prefix(10).joined(separator: ", "))\(missing.count > 10 ? ", ..." : "")")
        }
    }
}
