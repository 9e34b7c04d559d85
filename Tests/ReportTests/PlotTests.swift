// Every plot renders from fixed data to valid SVG and a PNG of the expected size.
import Foundation
import Imaging
import Testing
@testable import Evaluation
@testable import Report
import SeededRandom

@Suite struct PlotTests {
    let field = Field()

    @Test func confusionMatrixHeatmaps() throws {
        let m = try ConfusionMatrix(truth: field.truth, predicted: field.predicted)
        let canvas = confusionMatrixFigure(m, classNames: ["background", "member"])
        try checkRenders(canvas, name: "confusion-matrix")
        // Each count and each fraction is written in its cell.
        let svg = try canvas.svg()
        for count in m.counts.flatMap({ $0 }) { #expect(svg.contains(">\(count)</text>")) }
        #expect(svg.contains(String(format: ">%.2f</text>", m.rowNormalized[1][1])))
    }

    @Test(arguments: CMDColouring.allCases)
    func colourMagnitudeDiagrams(_ colouring: CMDColouring) throws {
        let sequence = try RedSequence.fit(magnitude: field.r, colour: field.gz)
        let data = ColourMagnitudeData(magnitude: field.r, colour: field.gz, truth: field.truth, predicted: field.predicted)
        let canvas = colourMagnitudeDiagram(data, sequence: sequence, colouring: colouring)
        #expect(canvas.width == 640 && canvas.height == 500)
        try checkRenders(canvas, name: "cmd-\(colouring.rawValue)")
        let svg = try canvas.svg()
        #expect(svg.contains("r (mag)") && svg.contains("g \u{2212} z (mag)"))
        if colouring == .outcome {
            let m = try ConfusionMatrix(truth: field.truth, predicted: field.predicted)
            #expect(svg.contains("FP (\(m.falsePositives))") && svg.contains("FN (\(m.falseNegatives))"))
        }
    }

    @Test func colourMagnitudeComparisonPanels() throws {
        let data = ColourMagnitudeData(magnitude: field.r, colour: field.gz, truth: field.truth, predicted: field.predicted)
        let canvas = colourMagnitudeComparison(data, sequence: try RedSequence.fit(magnitude: field.r, colour: field.gz))
        #expect(canvas.width == 3 * 560)
        try checkRenders(canvas, name: "cmd-comparison")
    }

    @Test func colourPairs() throws {
        let canvas = colourPairPlot(r: field.r, uMinusG: field.ug, gMinusR: field.gr, rMinusI: field.ri, gMinusZ: field.gz,
                                    classes: field.truth)
        try checkRenders(canvas, name: "pair-plot")
        #expect(try canvas.svg().contains("u \u{2212} g (mag)"))
    }

    @Test func trainingHistory() throws {
        let history = (1...30).map { e in
            let t = Double(e)
            return EpochRecord(epoch: e, trainingLoss: 0.7 * exp(-t / 8) + 0.05, trainingAccuracy: 1 - 0.5 * exp(-t / 6),
                               validationLoss: 0.7 * exp(-t / 8) + 0.1 + 0.004 * max(0, t - 18) * max(0, t - 18) / 4,
                               validationAccuracy: 0.95 - 0.45 * exp(-t / 6))
        }
        let canvas = trainingCurves(history)
        try checkRenders(canvas, name: "training-curves")
        let best = try #require(history.min { $0.validationLoss! < $1.validationLoss! })
        #expect(best.epoch > 15 && best.epoch < 30)
        #expect(try canvas.svg().contains("lowest validation loss (epoch \(best.epoch))"))
    }

    @Test func reliability() throws {
        var rng = SeededGenerator(seed: 9)
        var logits: [[Double]] = [], labels: [Int] = []
        for _ in 0..<800 {
            let z = 1.5 * rng.normal()
            labels.append(rng.uniform() < 1 / (1 + exp(-z)) ? 1 : 0)
            logits.append([0, 4 * z])
        }
        let scaling = try TemperatureScaling.fit(logits: logits, labels: labels)
        let canvas = reliabilityDiagram([
            ("before", try Calibration(logits: logits, labels: labels)),
            ("after temperature scaling", try Calibration(probabilities: scaling.probabilities(logits: logits), labels: labels)),
        ])
        try checkRenders(canvas, name: "reliability")
    }

    @Test func gallery() throws {
        // Synthetic cutouts: a red elliptical blob on a dark sky, and a grey one.
        func blob(_ size: Int, channels: Int, seed: UInt64) -> Image {
            var image = Image(width: size, height: size, channels: channels)
            for c in 0..<channels {
                for y in 0..<size {
                    for x in 0..<size {
                        let dx = Double(x - size / 2) / Double(size) * 6, dy = Double(y - size / 2) / Double(size) * 9
                        image[c, y, x] = Float(exp(-(dx * dx + dy * dy)) * (1 - 0.25 * Double(c)) + 0.05)
                    }
                }
            }
            return image
        }
        let items = (0..<7).map { i in
            GalleryItem(image: blob(48 + i, channels: i == 3 ? 1 : 3, seed: UInt64(i)), title: "PCC-\(1000 + i)",
                        caption: i % 2 == 0 ? "true member, called background" : "true background, called member",
                        probability: i % 2 == 0 ? 0.2 : 0.8, frame: i % 2 == 0 ? Palette.orange : Palette.vermillion)
        }
        let canvas = cutoutGallery(items, columns: 4, tileSize: 120)
        try checkRenders(canvas, name: "gallery")
        let svg = try canvas.svg()
        #expect(svg.components(separatedBy: "data:image/png;base64,").count == 8)
        // The raster shows the cutout: the centre of the first tile is bright red, not background white.
        let raster = canvas.raster(supersampling: 1)
        let cx = 16 + 60, cy = 50 + 60
        #expect(raster[0, cy, cx] > 0.8 && raster[2, cy, cx] < 0.7)
        #expect(cutoutGallery([]).width > 0)
    }
}
