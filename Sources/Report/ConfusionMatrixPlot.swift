// Confusion-matrix heatmaps: counts beside row-normalised fractions (each true class's row sums to 1).
import Evaluation
import Foundation

/// Two heatmaps side by side: the counts, and the counts divided by their row sums (recall on the diagonal).
public func confusionMatrixFigure(_ matrix: ConfusionMatrix, classNames: [String]? = nil,
                                  title: String = "Confusion matrix") -> Canvas {
    let names = classNames ?? (0..<matrix.classCount).map(String.init)
    let k = matrix.classCount
    let cell = max(40.0, min(130.0, 300.0 / Double(k)))
    let labelWidth = (names.map { BitmapFont.width(of: $0, fontSize: PlotStyle.tickFont) }.max() ?? 0) + 60
    let panelWidth = labelWidth + cell * Double(k) + 30
    let width = Int(2 * panelWidth + 20), height = Int(cell * Double(k) + 150)
    var canvas = Canvas(width: width, height: height)
    canvas.text(title, at: Point(Double(width) / 2, 24), size: PlotStyle.titleFont + 2, anchor: .middle, bold: true)
    let maxCount = Double(matrix.counts.flatMap { $0 }.max() ?? 0)
    for (panel, normalised) in [false, true].enumerated() {
        let axes = Axes(left: Double(panel) * (panelWidth + 20) + labelWidth, top: 70, width: cell * Double(k),
                        height: cell * Double(k), xRange: 0...Double(k), yRange: 0...Double(k))
        for t in 0..<k {
            for p in 0..<k {
                let value = normalised ? matrix.rowNormalized[t][p] : Double(matrix.counts[t][p])
                let fill = Palette.sequential(normalised ? value : (maxCount > 0 ? value / maxCount : 0))
                // Row t from the top: y runs from k (top) down to 0.
                let x = axes.px(Double(p)), y = axes.py(Double(k - t))
                canvas.rectangle(x: x, y: y, width: cell, height: cell, fill: fill, stroke: Stroke(.white, width: 1))
                let label = normalised ? String(format: "%.2f", value) : String(matrix.counts[t][p])
                canvas.text(label, at: Point(x + cell / 2, y + cell / 2 + 5), size: min(18, cell / 3),
                            color: fill.luminance > 0.45 ? .black : .white, anchor: .middle, bold: true)
            }
        }
        let ticks = (0..<k).map { (Double($0) + 0.5, names[$0]) }
        axes.drawFrame(on: &canvas, xLabel: "Predicted class", yLabel: "True class",
                       title: normalised ? "Normalised by true class" : "Counts",
                       xTicks: ticks, yTicks: ticks.map { (Double(k) - $0.0, $0.1) })
    }
    return canvas
}
