import Dataset
import Evaluation
import Files
import Foundation
import Imaging
import NN
import Runs
import Testing
@testable import Training

/// K classes end to end on small generated data, the default recipe, `report` judging as `evaluate` does, and
/// `perseus demo`'s report.
@Suite(.serialized) struct ClassesRunTests {
    /// Three kinds of 32x32 cutout (red blob, blue streak, white point) as a prepared dataset with three classes.
    static func threeClassDataset(in folder: URL) throws -> PreparedDataset {
        var binary = try TinyRun.dataset(in: folder, count: 24)
        for i in binary.objects.indices where i % 3 == 2 {
            let file = folder.appendingPathComponent("cutouts/point\(i).png")
            var pixels = [Float](repeating: 0.05, count: 3 * 32 * 32)
            for c in 0..<3 { for y in 15...17 { for x in 15...17 { pixels[(c * 32 + y) * 32 + x] = 1 } } }
            try Image(width: 32, height: 32, channels: 3, pixels: pixels).write(to: file, format: .png)
            binary.objects[i].image = file
            binary.objects[i].label = 2
        }
        binary.objects = binary.objects.enumerated().map { i, o in
            var o = o
            o.split = i < 15 ? .train : i < 20 ? .validation : .test
            return o
        }
        binary.classNames = ["blob", "streak", "point"]
        try binary.write(to: folder.appendingPathComponent("dataset"), cleaning: "generated for a test\n")
        return binary
    }

    @Test func threeClassesTrainEvaluateAndReport() throws {
        let work = try TinyRun.folder("classes3")
        defer { try? FileManager.default.removeItem(at: work) }
        let dataset = try Self.threeClassDataset(in: work)
        var configuration = TinyRun.configuration(epochs: 2)
        configuration.resolveClasses(from: dataset)
        let run = try TinyRun.trainedRun(configuration, on: dataset, in: work)

        #expect(try TrainedModel.classes(run: run.url) == ["blob", "streak", "point"])
        let test = dataset.objects(in: .test)
        let (predictions, _, _) = try predictRuns([run.url.path], objects: test, tta: false, calibrated: true)
        #expect(predictions.classCount == 3 && predictions.probabilities.allSatisfy { abs($0.reduce(0, +) - 1) < 1e-4 })
        let evaluation = try RunEvaluation(predictions: predictions, objects: test, reference: dataset.objects,
                                           classNames: dataset.classNames)
        #expect(evaluation.report.confusion.classCount == 3)
        #expect(evaluation.text.contains("streak") && evaluation.json.contains("\"point\": {\"precision\""))
        let csv = predictionsCSV(predictions, objects: test, threshold: 0.5, classNames: dataset.classNames)
        #expect(csv.hasPrefix("id,ra,dec,label,spread,p_blob,p_streak,p_point,true_label\n"))

        let report = try writeRunReport(RunReportRequest(run: run.url, data: work.appendingPathComponent("dataset")))
        #expect(report.evaluation.report.confusion.classCount == 3)
        #expect(report.evaluation.report.accuracy == evaluation.report.accuracy)

        // A two-class run judged on three-class data is refused, naming both.
        #expect { try RunEvaluation(predictions: predictions, objects: test, reference: [], classNames: ["a", "b"]) } throws: {
            "\($0)".contains("3 classes") && "\($0)".contains("a, b")
        }
    }

    /// `perseus predict` and `perseus explain` on a three-class run: the class's name as the label and a
    /// `p_<class>` column per class, summing to 1, the label the most probable. `perseus evaluate` judges the same
    /// objects alike from a folder per class and from a labelled catalogue with its cutouts.
    @Test(.enabled(if: TrainCommand.executable != nil)) func predictExplainAndEvaluateNameTheClasses() throws {
        let work = try TinyRun.folder("classes3-cli")
        defer { try? FileManager.default.removeItem(at: work) }
        let dataset = try Self.threeClassDataset(in: work)
        var configuration = TinyRun.configuration(epochs: 1)
        configuration.resolveClasses(from: dataset)
        let run = try TinyRun.trainedRun(configuration, on: dataset, in: work)
        func perseus(_ arguments: [String]) throws {
            let process = Process()
            process.executableURL = TrainCommand.executable!
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "perseus \(arguments.joined(separator: " "))")
        }
        /// Rows of a CSV after its header, checked: the `p_` columns from `first` on sum to 1 and `label` names the largest.
        func rows(_ url: URL, header: String, label: Int, first: Int) throws -> Int {
            let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
            #expect(lines.first.map(String.init) == header)
            for line in lines.dropFirst() {
                let cells = line.split(separator: ",", omittingEmptySubsequences: false)
                let p = cells[first..<(first + 3)].compactMap { Double($0) }
                #expect(p.count == 3 && abs(p.reduce(0, +) - 1) < 1e-4, "\(line)")
                #expect(cells[label] == Substring(dataset.classNames[mostProbable(p)]), "\(line)")
            }
            return lines.count - 1
        }
        let predictions = work.appendingPathComponent("p.csv")
        try perseus(["predict", "--run", run.url.path, "--images", work.appendingPathComponent("cutouts").path,
                     "--out", predictions.path, "--quiet"])
        #expect(try rows(predictions, header: "row,id,ra,dec,label,spread,p_blob,p_streak,p_point,status,problem", label: 4, first: 6) == 32)  // 24 generated, 8 of them replaced by points
        let maps = work.appendingPathComponent("maps")
        try perseus(["explain", "--run", run.url.path, "--data", work.appendingPathComponent("dataset").path, "--out", maps.path,
                     "--methods", "gradcam,ig", "--steps", "2"])
        #expect(try rows(maps.appendingPathComponent("saliency.csv"),
                         header: "id,true_label,label,p_blob,p_streak,p_point,correct,input,gradcam_or_rollout,ig", label: 2, first: 3) == 4)

        let folders = work.appendingPathComponent("folders")
        var catalogue = "id,label\n"
        for object in dataset.objects {
            let folder = folders.appendingPathComponent(dataset.classNames[object.label])
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent(object.image.lastPathComponent),
                                                       withDestinationURL: object.image)
            catalogue += "\(object.image.deletingPathExtension().lastPathComponent),\(dataset.classNames[object.label])\n"
        }
        let labels = work.appendingPathComponent("labels.csv")
        try AtomicFile.write(Data(catalogue.utf8), to: labels)
        func confusion(_ judged: [String]) throws -> [[Int]] {
            let json = work.appendingPathComponent("judged.json")
            try perseus(["evaluate", "--run", run.url.path, "--json", json.path] + judged)
            let report = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any]
            return report?["confusion_matrix"] as? [[Int]] ?? []
        }
        let byFolder = try confusion(["--image-folders", folders.path])
        #expect(byFolder.count == 3 && byFolder.joined().reduce(0, +) == 24)
        #expect(try confusion(["--catalog", labels.path, "--images", work.appendingPathComponent("cutouts").path]) == byFolder)
    }

    @Test func theDefaultRecipeIsPerseusAndTheStudysIsKept() {
        #expect(Recipe.default == .perseus)
        #expect(Recipe.default.configuration == TrainingConfiguration.recipe)
        #expect(Recipe.study.configuration == TrainingConfiguration())
    }

    @Test func aConfigWithoutClassesIsMembership() throws {
        let c = try TrainingConfiguration.load(yaml: "epochs: 3\n", source: "old.yaml")
        #expect(c.classes == ["background", "member"])
        var three = c
        three.classes = ["a", "b", "c"]
        #expect(try TrainingConfiguration.load(yaml: three.yaml(), source: "new.yaml").classes == ["a", "b", "c"])
        #expect(try (three.makeModel() as? ResNet)?.classes == 3)
    }

    /// `report` judges with the run's calibration, as `evaluate` does, and says so.
    @Test func reportJudgesAsEvaluateDoes() throws {
        let work = try TinyRun.folder("report-judging")
        defer { try? FileManager.default.removeItem(at: work) }
        let dataset = try TinyRun.dataset(in: work)
        let configuration = TinyRun.configuration(epochs: 1)
        let run = try TinyRun.trainedRun(configuration, on: dataset, in: work)
        let validation = dataset.objects(in: .validation)
        var calibration = try RunCalibration.fit(try predictRuns([run.url.path], objects: validation, tta: false, calibrated: false).predictions,
                                                 split: "validation", checkpoint: "best.safetensors")
        calibration.temperature = 3  // far from 1, so using it or not shows
        try calibration.save(run: run)

        let (evaluated, _, _) = try predictRuns([run.url.path], objects: validation, tta: false, calibrated: true)
        let result = try writeRunReport(RunReportRequest(run: run.url, data: work.appendingPathComponent("dataset"), split: .validation))
        #expect(result.evaluation.predictions.memberProbability == evaluated.memberProbability)
        #expect(result.judgedWith.contains { $0.contains("temperature 3.000") })
        #expect(result.input.about.contains { $0.0 == "judged with" && $0.1.contains("temperature 3.000") })
        #expect(result.input.about.contains { $0.0 == "catalogue model" })
        let uncalibrated = try writeRunReport(RunReportRequest(run: run.url, data: work.appendingPathComponent("dataset"),
                                                               split: .validation, calibrated: false))
        #expect(uncalibrated.evaluation.predictions.memberProbability != evaluated.memberProbability)
    }

    /// `perseus demo` writes report.html and prints where it is.
    @Test(.enabled(if: TrainCommand.executable != nil)) func demoWritesItsReport() throws {
        let work = try TinyRun.folder("demo")
        defer { try? FileManager.default.removeItem(at: work) }
        let process = Process()
        process.executableURL = TrainCommand.executable!
        process.arguments = ["demo", "--objects", "60", "--epochs", "1", "--threads", "2", "--out", work.appendingPathComponent("d").path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let report = work.appendingPathComponent("d/run/report.html")
        #expect(FileManager.default.fileExists(atPath: report.path))
        #expect(output.contains("report: \(report.path)"))
    }
}
