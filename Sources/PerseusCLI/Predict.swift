import ArgumentParser
import Astro
import Dataset
import Foundation
import Imaging
import Training

/// `perseus predict`: membership probabilities for a folder of cutouts.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predict cluster membership for every cutout in a folder (optionally joined to a catalogue).",
        discussion: "Writes one row per object: id, ra, dec (when the catalogue gives them), membership probability, its spread over augmentations, and the label.")

    @Option(name: .customLong("run"), help: "Run folder (from `perseus train`); repeat it to predict with an ensemble (probabilities averaged, spread over runs).")
    var runFolders: [String]

    @Flag(name: .customLong("no-calibration"), help: "Ignore the runs' calibration.json (fitted temperature).")
    var noCalibration = false

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
            objects = try imageFolderObjects(folder)
        }
        guard !objects.isEmpty else { throw ValidationError("no images to predict in \(images)") }
        let (predictions, notes) = try predictRuns(runFolders, objects: objects, tta: tta, calibrated: !noCalibration, progress: true)
        notes.forEach { print($0) }
        var text = predictionsCSV(predictions, objects: objects, threshold: threshold)
        if catalog == nil { text = text.replacingOccurrences(of: ",nan,nan,", with: ",,,") }
        try writeAtomically(Data(text.utf8), to: output)
        let members = predictions.predictedLabels(threshold: threshold).filter { $0 == 1 }.count
        print("\(objects.count) objects: \(members) predicted members; wrote \(out)")
        if !missing.isEmpty {
            print("\(missing.count) catalogue rows have no image: \(missing.prefix(10).joined(separator: ", "))\(missing.count > 10 ? ", ..." : "")")
        }
    }
}
