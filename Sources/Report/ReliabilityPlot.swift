// The reliability diagram: accuracy against confidence per bin (on the diagonal when calibrated), for one or more
// sets of probabilities (before and after temperature scaling), with the bin counts below.
import Evaluation
import Foundation

/// Accuracy against mean confidence per bin for each labelled calibration, the diagonal for reference and the ECE
/// in the legend; below, how many objects fall in each bin.
public func reliabilityDiagram(_ series: [(label: String, calibration: Calibration)],
                               title: String = "Reliability diagram") -> Canvas {
    let width = 600, height = 640
    var canvas = Canvas(width: width, height: height)
    let main = Axes(left: 84, top: 44, width: 490, height: 390, xRange: 0...1, yRange: 0...1)
    main.draw(on: &canvas, xLabel: nil, yLabel: "accuracy (fraction correct)", title: title)
    canvas.line(from: main.point(0, 0), to: main.point(1, 1), stroke: Stroke(.grey, width: 1.2, dash: [5, 4]))
    let shapes: [MarkerShape] = [.circle, .square, .triangle, .diamond]
    var entries = [LegendEntry("perfect calibration", .line(Stroke(.grey, width: 1.2, dash: [5, 4])))]
    for (s, item) in series.enumerated() {
        let colour = Palette.categorical[s % Palette.categorical.count], shape = shapes[s % shapes.count]
        let filled = item.calibration.bins.filter { $0.count > 0 }
        let points = filled.map { main.point($0.meanConfidence, $0.accuracy) }
        canvas.polyline(points, stroke: Stroke(colour, width: 2))
        for p in points { canvas.marker(shape, at: p, size: 8, fill: colour, stroke: Stroke(.white, width: 0.6)) }
        entries.append(LegendEntry(item.label + String(format: " (ECE %.3f)", item.calibration.expectedCalibrationError),
                                   .marker(shape, colour)))
    }
    canvas.legend(entries, in: main, corner: .topLeft)
    // Bin counts as grouped bars.
    let peak = Double(series.flatMap { $0.calibration.bins.map(\.count) }.max() ?? 1)
    let counts = Axes(left: 84, top: 470, width: 490, height: 110, xRange: 0...1, yRange: 0...max(1, peak * 1.1))
    counts.draw(on: &canvas, xLabel: "confidence (top-class probability)", yLabel: "objects",
                yTicks: niceTicks(counts.yRange, target: 3).map { ($0, tickLabel($0, step: tickStep(counts.yRange, target: 3))) })
    for (s, item) in series.enumerated() {
        let colour = Palette.categorical[s % Palette.categorical.count]
        for bin in item.calibration.bins where bin.count > 0 {
            let slot = (bin.upper - bin.lower) / Double(max(1, series.count))
            let x0 = bin.lower + slot * Double(s) + slot * 0.1
            canvas.rectangle(x: counts.px(x0), y: counts.py(Double(bin.count)), width: counts.px(x0 + slot * 0.8) - counts.px(x0),
                             height: counts.py(0) - counts.py(Double(bin.count)), fill: colour.withAlpha(0.8))
        }
    }
    return canvas
}
