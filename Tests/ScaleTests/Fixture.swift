import Files
import Dataset
import Foundation
import Imaging
import Scale
import Runs
import Tabular
import Training

/// A ResNet-10 trained for one epoch at 32x32 on a small synthetic field, its cutouts (plus one file that is not
/// an image), and catalogues that point at the cutouts cyclically through a `file` column. Made once per test run.
struct Fixture: Sendable {
    let folder: URL
    let run: URL
    /// `cutouts/<name>.png`, relative to `folder`.
    let files: [String]

    static let shared: Result<Fixture, any Error> = Result { try Fixture.make() }

    static func make() throws -> Fixture {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scale-tests-\(UUID().uuidString.prefix(8))")
        var field = SyntheticField(seed: 11, count: 40)
        field.cutoutSize = 32
        field.pixelScale = 20.0 / 32
        let objects = try field.write(to: folder)
        try Data("not an image".utf8).write(to: folder.appendingPathComponent("cutouts/broken.png"))
        let prepared = objects.enumerated().map { k, o in
            PreparedObject(id: o.name, source: "catalog", ra: 0, dec: 0, label: o.label, split: k % 4 == 0 ? .validation : .train,
                           image: folder.appendingPathComponent("cutouts/\(o.name).png"))
        }
        let run = try train(prepared, classes: ClassList.memberNames, at: folder.appendingPathComponent("run"))
        return Fixture(folder: folder, run: run, files: objects.map { "cutouts/\($0.name).png" })
    }

    /// A ResNet-10 trained for one epoch at 32x32 on `objects` (their train and validation splits) into `run`.
    static func train(_ objects: [PreparedObject], classes: [String], at url: URL) throws -> URL {
        var configuration = TrainingConfiguration.recipe
        configuration.classes = classes
        configuration.model = .resnet10
        configuration.inputSize = 32
        configuration.epochs = 1
        configuration.batchSize = 10
        configuration.warmupEpochs = 0
        configuration.augmentation = .none
        let run = try RunFolder.create(at: url, force: true)
        try AtomicFile.write(Data(configuration.yaml().utf8), to: run.configuration)
        let trainer = Trainer(configuration: configuration, run: run,
                              training: SampleSet(objects: objects.filter { $0.split == .train }, inputSize: 32, grey: false),
                              validation: SampleSet(objects: objects.filter { $0.split == .validation }, inputSize: 32, grey: false))
        trainer.report = { _ in }
        trainer.showProgressBar = false
        _ = try trainer.fit()
        return run.url
    }

    /// A catalogue of `rows` rows `name,ra,dec,file`, with rows whose cutout is absent (every 101st), unreadable
    /// (every 500th) or whose position is not a number (row 77), written to `name` in the fixture's folder.
    func catalogue(rows: Int, name: String) throws -> URL {
        let url = folder.appendingPathComponent(name)
        guard !FileManager.default.fileExists(atPath: url.path) else { return url }
        var text = "name,ra,dec,file\n"
        text.reserveCapacity(rows * 40)
        for r in 0..<rows {
            let file = r % 101 == 100 ? "cutouts/absent.png" : r % 500 == 499 ? "cutouts/broken.png" : files[r % files.count]
            let dec = r == 77 ? "x" : String(format: "%.4f", -30 + Double(r / 3600) * 0.001)
            text += "OBJ-\(r),\(String(format: "%.4f", Double(r % 3600) * 0.1)),\(dec),\(file)\n"
        }
        try AtomicFile.write(Data(text.utf8), to: url)
        return url
    }

    /// A catalogue of `rows` rows `name,ra,dec,file,mag,size` over the fixture's cutouts, `size` given on even rows
    /// only: the parameters of `catalogueModel()`.
    func parameterCatalogue(rows: Int, name: String) throws -> URL {
        var text = "name,ra,dec,file,mag,size\n"
        for r in 0..<rows {
            text += "OBJ-\(r),\(Double(r) * 0.1),-30,\(files[r % files.count]),\(16 + Double(r % 7)),\(r % 2 == 0 ? String(Double(r) / 10) : "")\n"
        }
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// A small catalogue model on `magnitude` and `size`, with a fixed combiner.
    static func catalogueModel() throws -> CatalogueModel {
        var settings = BoostedTrees.Settings()
        settings.rounds = 5
        settings.minLeaf = 2
        let trees = try BoostedTrees.fit(rows: (0..<20).map { [16 + Double($0 % 7), Double($0) / 5] },
                                         labels: (0..<20).map { $0 < 10 ? 0 : 1 }, features: ["magnitude", "size"], settings: settings)
        return CatalogueModel(features: ["magnitude", "size"], trees: trees,
                              combiner: LogisticRegression(coefficients: [0.5, 2], intercept: -0.25))
    }

    func trained() throws -> TrainedModel { try TrainedModel.load(run: RunFolder.open(run)) }

    /// Runs shard `shard` of `catalog` in this process into `out`, from wherever its progress record says.
    @discardableResult
    func predictShard(_ shard: Shard, catalog: URL, out: URL, force: Bool = true, flush: Int = 128,
                      stopAfter: Int? = nil) throws -> ShardProgress {
        let output = try ShardOutput(out, shard: shard, input: catalog.path, force: force)
        var source: PredictionRowSource = try CatalogueRows(catalog: catalog, images: folder, imageColumn: "file",
                                                            shard: shard, firstRow: output.progress.nextRow)
        if let stopAfter { source = Interrupted(source, after: stopAfter) }
        var prediction = ShardPrediction(trained: try trained())
        prediction.batchSize = 32
        prediction.flushRows = flush
        return try prediction.run(source, into: output)
    }
}

/// A row source that fails after handing out `after` rows: a run killed part-way through a flush.
final class Interrupted: PredictionRowSource {
    struct Killed: Error {}
    let base: PredictionRowSource
    var left: Int
    init(_ base: PredictionRowSource, after: Int) { self.base = base; left = after }
    var rowsRead: Int { base.rowsRead }
    func next() throws -> PredictionRow? {
        guard left > 0 else { throw Killed() }
        left -= 1
        return try base.next()
    }
}

func fixture() throws -> Fixture { try Fixture.shared.get() }

func lines(_ url: URL) throws -> [Substring] {
    try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
}
