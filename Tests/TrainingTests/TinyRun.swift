import Dataset
import Files
import Foundation
import Imaging
import NN
import Runs
import Tensor
@testable import Training
import SeededRandom

/// A tiny prepared dataset and run configuration for the training-reliability tests: 32x32 PNG cutouts of two kinds
/// of object (a round red blob, class 0; an elongated blue streak, class 1) with seeded noise.
enum TinyRun {
    /// Writes `count` cutouts and a prepared dataset (three quarters train, the rest validation) under `folder`.
    static func dataset(in folder: URL, count: Int = 24, seed: UInt64 = 11) throws -> PreparedDataset {
        let images = folder.appendingPathComponent("cutouts")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        var rng = SeededGenerator(seed: seed)
        var objects: [PreparedObject] = []
        for i in 0..<count {
            let label = i % 2
            let size = 32
            let cx = 16 + Float(rng.nextUniform() * 6 - 3), cy = 16 + Float(rng.nextUniform() * 6 - 3)
            let angle = rng.nextUniform() * .pi
            var pixels = [Float](repeating: 0, count: 3 * size * size)
            for y in 0..<size {
                for x in 0..<size {
                    let dx = Float(x) - cx, dy = Float(y) - cy
                    let u = dx * cos(angle) + dy * sin(angle), v = -dx * sin(angle) + dy * cos(angle)
                    let r2 = label == 0 ? (u * u + v * v) / 16 : (u * u / 64 + v * v / 2)
                    let light = exp(-r2 / 2)
                    let colour: [Float] = label == 0 ? [0.9, 0.5, 0.2] : [0.3, 0.5, 0.9]
                    for c in 0..<3 {
                        let noise = rng.nextUniform() * 0.1
                        pixels[(c * size + y) * size + x] = min(1, light * colour[c] + noise)
                    }
                }
            }
            let file = images.appendingPathComponent("obj\(i).png")
            try Image(width: size, height: size, channels: 3, pixels: pixels).write(to: file, format: .png)
            objects.append(PreparedObject(id: "obj\(i)", source: "catalog", ra: 49.9 + Double(i) * 1e-3, dec: 41.5,
                                          label: label, split: i < count * 3 / 4 ? .train : .validation, image: file))
        }
        let dataset = PreparedDataset(objects: objects)
        try dataset.write(to: folder.appendingPathComponent("dataset"), cleaning: "none: generated for a test\n")
        return dataset
    }

    /// ResNet-10 at 32x32, SGD with momentum (so optimizer state matters), online augmentation (so the per-epoch
    /// seeds matter), no early stopping, two threads.
    static func configuration(epochs: Int = 3) -> TrainingConfiguration {
        var c = TrainingConfiguration()
        c.model = .resnet10
        c.inputSize = 32
        c.epochs = epochs
        c.batchSize = 6
        c.seed = 5
        c.learningRate = 0.01
        c.momentum = 0.9
        c.augmentation = .online
        c.patience = 0
        c.threads = 2
        return c
    }

    static func trainer(_ configuration: TrainingConfiguration, on dataset: PreparedDataset, in run: RunFolder) -> Trainer {
        func samples(_ split: SplitName) -> SampleSet {
            SampleSet(objects: dataset.objects(in: split), inputSize: configuration.inputSize, grey: configuration.grey)
        }
        let trainer = Trainer(configuration: configuration, run: run, training: samples(.train), validation: samples(.validation))
        trainer.showProgressBar = false
        trainer.report = { _ in }
        return trainer
    }

    /// A fresh temporary folder.
    /// `folder/run`, created with `configuration` as its config.yaml and trained quietly on `dataset`.
    static func trainedRun(_ configuration: TrainingConfiguration, on dataset: PreparedDataset, in folder: URL) throws -> RunFolder {
        let run = try RunFolder.create(at: folder.appendingPathComponent("run"), force: false)
        try AtomicFile.write(Data(configuration.yaml().utf8), to: run.configuration)
        _ = try train(configuration, on: dataset, in: run, resume: false, quiet: true)
        return run
    }

    static func folder(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("perseus-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The tensors of a safetensors file (weights, buffers, optimizer slots) as bytes, without its metadata: equal
    /// bytes mean bit-identical values.
    static func tensorBytes(_ url: URL) throws -> Data {
        SafeTensors(tensors: try SafeTensors(contentsOf: url).tensors).encoded()
    }

    /// Two runs of `configuration` under `root`: three epochs straight, and two epochs then resumed to three.
    static func straightAndResumed(_ configuration: TrainingConfiguration, on dataset: PreparedDataset,
                                   in root: URL) throws -> (straight: RunFolder, resumed: RunFolder) {
        var three = configuration, two = configuration
        three.epochs = 3
        two.epochs = 2
        let straight = try RunFolder.create(at: root.appendingPathComponent("straight"), force: false)
        _ = try trainer(three, on: dataset, in: straight).fit()
        let resumed = try RunFolder.create(at: root.appendingPathComponent("resumed"), force: false)
        _ = try trainer(two, on: dataset, in: resumed).fit()
        _ = try trainer(three, on: dataset, in: resumed).fit(resume: true)
        return (straight, resumed)
    }

    /// Hidden temporaries `AtomicFile` leaves only if a process dies mid-write.
    static func temporaries(in folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") && $0.contains(".tmp-") }
    }
}
