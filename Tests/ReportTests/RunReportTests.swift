import Files
// The run report: assembled from fixed data it holds every section and figure and says what is missing; from a tiny
// synthetic run trained here, `writeRunReport` (what `perseus report` calls) writes the HTML and the figure files.
import Dataset
import Foundation
import Imaging
import Testing
@testable import Evaluation
@testable import Report
@testable import Runs
@testable import Training

@Suite struct RunReportTests {
    /// Fixed objects: the plot tests' field, every fifth without colours, cutouts written to `folder`.
    func fixedInput(folder: URL) throws -> RunReportInput {
        let field = Field(count: 120)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var objects: [ReportedObject] = []
        for i in field.r.indices {
            var image = Image(width: 40, height: 40, channels: 3)
            for c in 0..<3 { for y in 0..<40 { for x in 0..<40 {
                let d = Double((x - 20) * (x - 20) + (y - 20) * (y - 20)) / 60
                image[c, y, x] = Float(exp(-d) * (1 - 0.2 * Double(c)) + 0.03)
            } } }
            let url = folder.appendingPathComponent("obj\(i).png")
            if i < 40 { try image.write(to: url, format: .png) }  // the rest have no file: counted as unreadable
            let colours = i % 5 != 0
            objects.append(ReportedObject(id: "OBJ-\(i)", magnitude: field.r[i], uMinusG: colours ? field.ug[i] : nil,
                                          gMinusR: colours ? field.gr[i] : nil, rMinusI: colours ? field.ri[i] : nil,
                                          gMinusZ: colours ? field.gz[i] : nil, objectClass: i % 2 == 0 ? "dE" : "Late",
                                          truth: field.truth[i], memberProbability: field.probability[i], image: url))
        }
        let placed = objects.indices.filter { objects[$0].gMinusZ != nil }
        let sequence = try RedSequence.fit(magnitude: placed.filter { field.truth[$0] == 1 }.map { field.r[$0] },
                                           colour: placed.filter { field.truth[$0] == 1 }.map { field.gz[$0] })
        let regions = try evaluateByColourRegion(magnitude: placed.map { field.r[$0] }, colour: placed.map { field.gz[$0] },
                                                 truth: placed.map { field.truth[$0] }, predicted: placed.map { field.predicted[$0] },
                                                 sequence: sequence, classNames: ["background", "member"])
        let history = (1...5).map { (e: Int) -> EpochRecord in
            let t = Double(e)
            return EpochRecord(epoch: e, trainingLoss: 0.7 / t, trainingAccuracy: 0.5 + 0.08 * t,
                               validationLoss: 0.6 / t + 0.02 * t, validationAccuracy: 0.55 + 0.07 * t)
        }
        return RunReportInput(title: "fixed run", about: [("run", "/runs/fixed")], configuration: [("model", "resnet10"), ("inputSize", "32")],
                              history: history, objects: objects, sequence: sequence, regions: regions)
    }

    @Test func fixedDataGivesEverySectionAndFigure() throws {
        let folder = testOutputFolder().appendingPathComponent("run-report-fixed")
        let input = try fixedInput(folder: folder.appendingPathComponent("cutouts"))
        let report = try RunReport(input)
        let html = try report.html.html()
        for title in RunReportSection.all {
            #expect(html.contains("<h2>\(escapeXML(title))</h2>"), "missing section \(title)")
        }
        #expect(report.figures.map(\.name) == ["training-curves", "confusion-matrix", "cmd-regions", "cmd-truth", "cmd-prediction",
                                               "cmd-outcome", "cmd-comparison", "pairs-truth", "pairs-prediction", "reliability",
                                               "gallery-false-positives", "gallery-false-negatives", "gallery-correct"])
        // 24 of 120 objects lack colours: said, not fatal.
        #expect(html.contains("24 of 120 objects have no r magnitude or g \u{2212} z colour"))
        #expect(html.contains("24 of 120 objects lack one of these values"))
        // The misclassified objects are counted, and the missing cutout files are said.
        let wrong = zip(input.truth, input.predicted).filter { $0 != $1 }.count
        #expect(html.contains("\(wrong) objects are misclassified"))
        #expect(html.contains("cutouts could not be read"))
        #expect(html.contains("<td>model</td><td>resnet10</td>"))
        #expect(html.contains("lowest validation loss"))
        #expect(!html.lowercased().contains("<script") && !html.contains("src=\"http"))
        // Every figure renders to valid SVG and a PNG of its size.
        for figure in report.figures { try checkRenders(figure.canvas, name: "run-\(figure.name)") }
        let files = try report.write(report: folder.appendingPathComponent("report.html"), figuresFolder: folder.appendingPathComponent("figures"))
        #expect(files.count == 2 * report.figures.count)
        #expect(files.allSatisfy { FileManager.default.fileExists(atPath: $0.path) })
    }

    @Test func noColoursAtAllIsSaidNotFatal() throws {
        let objects = (0..<10).map { ReportedObject(id: "X\(min($0, 8))", truth: $0 % 2, memberProbability: Double($0) / 10) }
        let html = try RunReport(RunReportInput(title: "bare", objects: objects)).html.html()
        for title in RunReportSection.all where title != RunReportSection.calibration.rawValue {
            #expect(html.contains("<h2>\(escapeXML(title))</h2>"), "missing section \(title)")
        }
        #expect(html.contains("10 of 10 objects have no r magnitude"))
        #expect(html.contains("no per-epoch metrics"))
        #expect(html.contains("10 cutouts could not be read"))
        #expect(html.contains("1 ids occur more than once (2 rows), e.g. X8"))
    }

    @Test func studyIndexLinksReportsRelatively() throws {
        let folder = testOutputFolder().appendingPathComponent("study-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let index = folder.appendingPathComponent("study/index.html")
        try writeStudyIndex(title: "Study", experiments: [
            StudyExperiment(name: "colour 64", report: folder.appendingPathComponent("study/colour 64/report.html"),
                            summary: "resnet18", metrics: [("accuracy", "0.96"), ("member F1", "0.95")]),
            StudyExperiment(name: "grey", report: folder.appendingPathComponent("elsewhere/grey/report.html"),
                            metrics: [("accuracy", "0.90")]),
        ], to: index)
        let text = try String(contentsOf: index, encoding: .utf8)
        #expect(text.contains("<a href=\"colour%2064/report.html\">colour 64</a>"))
        #expect(text.contains("<a href=\"../elsewhere/grey/report.html\">grey</a>"))
        #expect(text.contains("<th>member F1</th>"))
        #expect(text.contains("<tr><td>grey</td><td>0.90</td><td></td></tr>"))
    }

    /// A tiny synthetic run: 60 objects at 32x32, a ResNet-10 trained one epoch.
    @Test func reportOfATinySyntheticRun() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("perseus-report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        var field = SyntheticField(seed: 3, count: 60)
        field.cutoutSize = 32
        field.pixelScale = 20.0 / 32
        _ = try field.write(to: work.appendingPathComponent("field"))
        var options = PreparationOptions(catalog: work.appendingPathComponent("field/catalogue.csv"),
                                         images: work.appendingPathComponent("field/cutouts"), seed: 3)
        options.rules.maxMagnitude = nil
        let preparation = try prepare(options)
        let data = work.appendingPathComponent("dataset")
        try preparation.dataset.write(to: data, cleaning: preparation.cleaningText)

        var configuration = TrainingConfiguration.recipe
        configuration.model = .resnet10
        configuration.inputSize = 32
        configuration.epochs = 1
        // One batch an epoch: a last batch of one object cannot be batch-normalised in training.
        configuration.batchSize = preparation.dataset.objects(in: .train).count
        configuration.warmupEpochs = 0  // a warm-up as long as the whole run is refused
        let run = try RunFolder.create(at: work.appendingPathComponent("run"), force: false)
        try AtomicFile.write(Data(configuration.yaml().utf8), to: run.configuration)
        func samples(_ split: SplitName) -> SampleSet {
            SampleSet(objects: preparation.dataset.objects(in: split), inputSize: 32, grey: false)
        }
        let trainer = Trainer(configuration: configuration, run: run, training: samples(.train), validation: samples(.validation))
        trainer.showProgressBar = false
        trainer.report = { _ in }
        _ = try trainer.fit()

        let result = try writeRunReport(RunReportRequest(run: run.url, data: data))
        #expect(result.report == run.url.appendingPathComponent("report.html"))
        let html = try String(contentsOf: result.report, encoding: .utf8)
        for title in RunReportSection.all {
            #expect(html.contains("<h2>\(escapeXML(title))</h2>"), "missing section \(title)")
        }
        let test = preparation.dataset.objects(in: .test)
        #expect(html.contains("<th>objects judged</th><td>\(test.count)</td>"))
        #expect(html.contains("<td>model</td><td>resnet10</td>"))
        #expect(html.contains("No object has u \u{2212} g (mag)"))  // the synthetic catalogue has no u band
        #expect(html.contains("1 epochs"))
        // Members by magnitude: the four bins, each counting the judged objects with a magnitude in it.
        let bins = evaluateByMagnitude(magnitude: test.map(\.magnitude), truth: test.map(\.label), predicted: test.map(\.label))
        #expect(html.contains("<th>member recall</th>") && html.contains("<td>r &lt;= 19.4</td><td>\(bins[0].objects)</td>"))
        #expect(bins.map(\.objects).reduce(0, +) == test.filter { $0.magnitude != nil }.count)
        for name in ["training-curves", "confusion-matrix", "cmd-regions", "cmd-outcome", "pairs-truth"] {
            for ext in ["svg", "png"] {
                #expect(FileManager.default.fileExists(atPath: run.url.appendingPathComponent("figures/\(name).\(ext)").path), "\(name).\(ext)")
            }
        }
        let png = try Data(contentsOf: run.url.appendingPathComponent("figures/confusion-matrix.png"))
        let canvas = confusionMatrixFigure(result.evaluation.report.confusion, classNames: RunEvaluation.classNames)
        #expect(pngHeader(png).map { $0.width == canvas.width && $0.height == canvas.height } == true)

        // Its own default is replaced; another existing file only with force.
        _ = try writeRunReport(RunReportRequest(run: run.url, data: data))
        let other = work.appendingPathComponent("mine.html")
        try Data("keep".utf8).write(to: other)
        #expect { try writeRunReport(RunReportRequest(run: run.url, data: data, output: other)) } throws: { "\($0)".contains("--force") }
        #expect(try String(contentsOf: other, encoding: .utf8) == "keep")
        let elsewhere = try writeRunReport(RunReportRequest(run: run.url, data: data, output: other, force: true))
        #expect(try String(contentsOf: other, encoding: .utf8).hasPrefix("<!DOCTYPE html>"))
        // Its figures go beside it, leaving the default report's alone.
        #expect(elsewhere.figures.allSatisfy { $0.deletingLastPathComponent().lastPathComponent == "mine-figures" })
        // A misspelt split is no longer representable (the command line refuses it, listing the splits).
        #expect(JudgedSplit(rawValue: "tset") == nil)
    }
}

extension RunReportInput {
    var truth: [Int] { objects.map(\.truth) }
}
