import ArgumentParser
import Dataset
import Foundation
import Runs
import Training

/// `perseus embed`: a trained network's pooled features of every cutout, their principal components and an
/// anomaly score, for similarity search (`perseus similar`) and your own analyses.
struct Embed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a network's pooled features of every cutout, their first 40 principal components and an anomaly score.",
        discussion: """
            The features are the globally pooled activation of the network's last convolutional stage (the input of \
            its classifier; 512 numbers for ResNet-18), as Zoobot's released representations are. --out FILE.npy \
            writes them as float32 [N, D], with FILE.pca.npy (the first 40 principal components, [N, 40]) and \
            FILE.csv (row, id, image, label, class, anomaly_kK: the cosine distance to the K-th nearest neighbour, \
            large for objects unlike any other); --out FILE.fits writes one FITS table with all of it.
            """)

    @OptionGroup var checkpoint: RunOption
    @Option(help: "Folder of cutouts (JPEG, PNG or FITS), named after the object ids.") var images: String?
    @Option(help: "Prepared dataset folder (from `perseus prepare`), instead of --images: its labels and catalogue classes are kept.") var data: String?
    @Option(help: "With --data: test, holdout, validation, train, or all (every object, training ones too).") var split: JudgedSplit = .all
    @Option(help: "Output: FILE.npy (with FILE.pca.npy and FILE.csv) or FILE.fits.") var out: String
    @Option(name: .customLong("k"), help: "The anomaly score is the cosine distance to this nearest neighbour.") var k: Int = 20
    @Option(help: "Images per network batch.") var batch = 64
    @Flag(help: "Replace existing output files.") var force = false

    func validate() throws {
        guard (images == nil) != (data == nil) else { throw ValidationError("give exactly one of --images or --data") }
        guard k >= 1, batch >= 1 else { throw ValidationError("--k and --batch must be at least 1") }
        let url = URL(fileURLWithPath: out)
        guard ["npy", "fits", "fit"].contains(url.pathExtension.lowercased()) else { throw ValidationError("--out must end in .npy or .fits") }
        if !force, let existing = EmbeddingTable.files(for: url).first(where: { FileManager.default.fileExists(atPath: $0.path) }) {
            throw ValidationError("\(existing.path) exists; use --force to replace it or choose another --out")
        }
    }

    func run() throws {
        let trained = try checkpoint.load()
        let objects: [PreparedObject], classNames: [String]?
        if let data {
            let dataset = try PreparedDataset.load(from: URL(fileURLWithPath: data))
            objects = split == .all ? dataset.objects : dataset.objects(judgedOn: split)
            classNames = dataset.classNames
        } else {
            objects = try imageFolderObjects(URL(fileURLWithPath: images!))
            classNames = nil
        }
        guard !objects.isEmpty else { throw ValidationError("no objects to embed") }
        let bar = ProgressBar(total: objects.count, label: "embed")
        let embeddings = try Embeddings(trained, objects: objects, batchSize: batch, progress: bar)
        bar.finish()
        let table = try EmbeddingTable(embeddings: embeddings, objects: objects, classNames: classNames, anomalyNeighbour: k)
        let url = URL(fileURLWithPath: out)
        try table.write(to: url)
        let variance = embeddings.explainedVariance, total = variance.reduce(0, +)
        print("\(objects.count) objects, \(embeddings.features.shape[1]) features each; the first \(variance.count) principal components")
        if total > 0 {
            print(String(format: "variance of the first 1 / 5 / %d components: %.3g / %.3g / %.3g", variance.count, variance[0],
                         variance.prefix(5).reduce(0, +), total))
        }
        print("wrote \(EmbeddingTable.files(for: url).map(\.path).joined(separator: ", "))")
    }
}
