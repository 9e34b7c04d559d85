import Dataset
import Foundation
import Training

/// Images/s of the input pipeline alone (decode, random rotation and flips from the wider cutout, resize, batch)
/// on the real cutouts, through `SampleSet(objects:inputSize:grey:)` and `BatchLoader` as training uses them.
/// Nil when the data is absent.
/// With `augmented` false, what `perseus predict` decodes: each cutout as it is, unrotated.
func measurePipeline(size: Int, batch: Int, images: Int, augmented: Bool = true) throws -> [String: Any]? {
    let start = DispatchTime.now().uptimeNanoseconds
    guard let loader = try realDataLoader(size: size, batch: batch, images: images, augmented: augmented) else { return nil }
    var count = 0
    while let b = try loader.next() { count += b.labels.count }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    return ["framework": "perseus", "mode": "pipeline", "input": "3x\(size)x\(size)", "batch": batch,
            "images": count, "seconds": seconds, "images_per_s": Double(count) / seconds,
            "augmentation": augmented ? "random rotation from cutouts-400 + flips, area resize" : "none (predict): area resize"]
}

/// Batches of `images` real cutouts (cycling through the files if there are fewer), decoded and augmented on the
/// engine's threads as training does; nil when the data is absent.
func realDataLoader(size: Int, batch: Int, images: Int, augmented: Bool = true) throws -> BatchLoader? {
    let root = dataRoot().appendingPathComponent("pcc")
    let cutouts = root.appendingPathComponent("cutouts"), wide = root.appendingPathComponent("cutouts-400")
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: cutouts.path) else { return nil }
    let all = names.filter { $0.hasSuffix(".jpg") }.sorted()
    guard !all.isEmpty else { return nil }
    let files = (0..<images).map { all[$0 % all.count] }
    let objects = files.map { name in
        let w = wide.appendingPathComponent(name)
        return PreparedObject(id: name, source: "catalog", ra: 0, dec: 0, label: 0, split: .train,
                              image: cutouts.appendingPathComponent(name),
                              wideImage: FileManager.default.fileExists(atPath: w.path) ? w : nil)
    }
    let samples = SampleSet(objects: Array(objects), inputSize: size, grey: false)
    var augmenter = RandomAugmenter(seed: 1)
    let augmentations = objects.map { _ in augmented ? augmenter.next() : .identity }
    return BatchLoader(labels: samples.labels, batchSize: batch, seed: 3) { i in
        try samples.load(i, augmentations[i])
    }
}

/// `PERSEUS_DATA`, else `../shared/data/perseus` beside the package (this file is in Sources/PerseusBench).
func dataRoot() -> URL {
    if let path = ProcessInfo.processInfo.environment["PERSEUS_DATA"] { return URL(fileURLWithPath: path) }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data/perseus")
}
