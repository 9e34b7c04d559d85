import Files
import Dataset
import Foundation
import Imaging
import Tensor
import Testing
@testable import Runs
@testable import Training
import SeededRandom

/// A generated 5-band FITS cutout set (think HSC g, r, i, z, y) goes through prepare, train and predict.
@Suite struct MultiBandTests {
    static let bands = 5
    static let size = 32
    /// Sky level and noise per band, in arbitrary physical units, deliberately unlike each other.
    static let sky: [Float] = [120, 300, 45, 800, 10]
    static let noise: [Float] = [3, 8, 1.5, 20, 0.5]

    /// Members: extended exponential disks, bright in the red bands. Background: compact sources, bright in the
    /// blue bands. Each with sky and Gaussian noise per band.
    static func cutout(member: Bool, rng: inout SeededGenerator) -> Image {
        let (w, h) = (size, size)
        var pixels = [Float](repeating: 0, count: bands * w * h)
        let radius: Float = member ? Float.random(in: 3.5...5, using: &rng) : Float.random(in: 0.8...1.3, using: &rng)
        let cx = Float(w - 1) / 2 + Float.random(in: -1...1, using: &rng)
        let cy = Float(h - 1) / 2 + Float.random(in: -1...1, using: &rng)
        let brightness = Float.random(in: 0.6...1.4, using: &rng)
        for b in 0..<bands {
            // Relative flux per band: members rise to the red (band 4), background falls.
            let colour: Float = member ? 0.4 + 0.3 * Float(b) : 1.6 - 0.3 * Float(b)
            let peak = 40 * noise[b] * colour * brightness
            for y in 0..<h {
                for x in 0..<w {
                    let r = ((Float(x) - cx) * (Float(x) - cx) + (Float(y) - cy) * (Float(y) - cy)).squareRoot()
                    let light = member ? peak * exp(-r / radius) : peak * exp(-r * r / (2 * radius * radius))
                    pixels[(b * h + y) * w + x] = sky[b] + light + noise[b] * Float(rng.nextNormal())
                }
            }
        }
        return Image(width: w, height: h, channels: bands, pixels: pixels)
    }

    @Test func fiveBandFITSCutoutsTrainAndPredictEndToEnd() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("perseus-5band-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let cutouts = folder.appendingPathComponent("cutouts")
        try FileManager.default.createDirectory(at: cutouts, withIntermediateDirectories: true)
        var rng = SeededGenerator(seed: 55)
        var csv = "name,ra,dec,label\n"
        for i in 0..<160 {
            let member = i % 2 == 0
            let name = String(format: "HSC-%04d", i)
            try AtomicFile.write(Self.cutout(member: member, rng: &rng).fitsData(keywords: [("FILTERS", "g,r,i,z,y")]),
                                 to: cutouts.appendingPathComponent("\(name).fits"))
            csv += "\(name),\(150 + Double(i) * 0.01),\(2 + Double(i % 10) * 0.01),\(member ? 1 : 0)\n"
        }
        try Data(csv.utf8).write(to: folder.appendingPathComponent("catalogue.csv"))

        // prepare
        var options = PreparationOptions(catalog: folder.appendingPathComponent("catalogue.csv"), images: cutouts, seed: 1)
        options.rules.maxMagnitude = nil
        options.rules.maxRedFraction = nil
        let dataset = try prepare(options).dataset
        let train = dataset.objects(in: .train), validation = dataset.objects(in: .validation), test = dataset.objects(in: .test)
        try #require(train.count > 60 && !validation.isEmpty && test.count > 20)

        // train: the bands and the stretch follow the images
        var config = TrainingConfiguration()
        config.model = .resnet10
        config.inputSize = 32
        config.epochs = 3
        config.batchSize = 16
        config.optimizer = .adam
        config.learningRate = 2e-3
        config.schedule = .constant
        config.augmentation = .online
        config.patience = 0
        try config.resolveBands(from: dataset)
        #expect(config.channels == 5)
        #expect(config.stretch == .asinh)
        let run = try RunFolder.create(at: folder.appendingPathComponent("run"), force: false)
        try AtomicFile.write(Data(config.yaml().utf8), to: run.configuration)
        func samples(_ objects: [PreparedObject]) -> SampleSet {
            SampleSet(objects: objects, inputSize: config.inputSize, grey: false, channels: config.inputChannels)
        }
        let trainer = Trainer(configuration: config, run: run, training: samples(train), validation: samples(validation))
        trainer.showProgressBar = false
        trainer.report = { _ in }
        _ = try trainer.fit()

        // predict with the run as saved: five input channels, the per-band stretch and normalisation from the run
        let trained = try TrainedModel.load(run: run)
        #expect(trained.model.inputChannels == 5)
        #expect(trained.preprocessing.inputChannels == 5)
        let stretch = try #require(trained.preprocessing.stretch)
        #expect(stretch.count == 5)
        // The sky and its noise, band by band, near the generator's (the objects' light widens the robust spread a little).
        for b in 0..<5 {
            #expect(abs(stretch[b].sky - Self.sky[b]) < 2 * Self.noise[b], "band \(b) sky \(stretch[b].sky)")
            #expect(stretch[b].softening > 0.5 * Self.noise[b] && stretch[b].softening < 3 * Self.noise[b],
                    "band \(b) softening \(stretch[b].softening)")
        }
        let predictions = try predict(trained.model, on: SampleSet(objects: test, preprocessing: trained.preprocessing),
                                      preprocessing: trained.preprocessing)
        #expect(predictions.ids.count == test.count)
        #expect(predictions.accuracy() > 0.8, "5-band test accuracy \(predictions.accuracy())")

        // a 3-band cutout is refused by name, not crashed on
        let three = Image(width: 32, height: 32, channels: 3)
        let odd = folder.appendingPathComponent("odd.fits")
        try AtomicFile.write(three.fitsData(), to: odd)
        let wrong = SampleSet(objects: [PreparedObject(id: "odd", source: "images", ra: 0, dec: 0, label: 0, split: .holdout, image: odd)],
                              preprocessing: trained.preprocessing)
        #expect { try wrong.load(0, .identity) } throws: { "\($0)".contains("odd.fits") && "\($0)".contains("3 bands") }
    }

    /// A Legacy Surveys g,r,z cube among HSC g,r,i,z,y cutouts is refused at prepare, naming both files' bands;
    /// so are unnamed cubes of different depths.
    @Test func mixingCutoutsWhoseBandsDifferIsRefusedNamingEach() throws {
        for named in [true, false] {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("perseus-mixed-\(UUID())")
            defer { try? FileManager.default.removeItem(at: folder) }
            let cutouts = folder.appendingPathComponent("cutouts")
            try FileManager.default.createDirectory(at: cutouts, withIntermediateDirectories: true)
            var rng = SeededGenerator(seed: 3)
            var csv = "name,ra,dec,label\n"
            for i in 0..<40 {
                let name = String(format: "OBJ-%04d", i)
                var image = Self.cutout(member: i % 2 == 0, rng: &rng)
                var bands = "g,r,i,z,y"
                if i == 7 {
                    image = try image.selectingChannels([0, 1, 3])
                    bands = "g,r,z"
                }
                try AtomicFile.write(image.fitsData(keywords: named ? [("FILTERS", bands)] : []),
                                     to: cutouts.appendingPathComponent("\(name).fits"))
                csv += "\(name),\(150 + Double(i) * 0.01),2,\(i % 2 == 0 ? 1 : 0)\n"
            }
            try Data(csv.utf8).write(to: folder.appendingPathComponent("catalogue.csv"))
            var options = PreparationOptions(catalog: folder.appendingPathComponent("catalogue.csv"), images: cutouts, seed: 1)
            options.rules.maxMagnitude = nil
            options.rules.maxRedFraction = nil
            #expect {
                try prepare(options)
            } throws: { error in
                let text = "\(error)"
                let bands = named ? text.contains("bands g,r,i,z,y") && text.contains("bands g,r,z")
                                  : text.contains("5 planes without band names") && text.contains("3 planes without band names")
                return bands && text.contains("OBJ-0007.fits") && text.contains("the cutouts differ in their bands")
            }
        }
    }

    @Test func fitsWriterRoundTripsCubesAndPlanes() throws {
        var rng = SeededGenerator(seed: 9)
        for channels in [1, 5] {
            let image = Image(width: 7, height: 5, channels: channels,
                              pixels: (0..<(35 * channels)).map { _ in Float(rng.nextNormal()) * 1000 })
            let data = try image.fitsData()
            #expect(data.count % 2880 == 0)
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("perseus-fits-\(UUID()).fits")
            defer { try? FileManager.default.removeItem(at: url) }
            try data.write(to: url)
            #expect(try Image(contentsOf: url) == image)
        }
    }
}
