// Training curves: loss and accuracy per epoch for the training and validation sets, with the epoch of lowest
// validation loss (the one early stopping restores) marked.
import Foundation

/// The metrics of one training epoch.
public struct EpochRecord: Sendable, Equatable {
    public var epoch: Int
    public var trainingLoss: Double
    public var trainingAccuracy: Double
    public var validationLoss: Double?
    public var validationAccuracy: Double?

    public init(epoch: Int, trainingLoss: Double, trainingAccuracy: Double, validationLoss: Double? = nil,
                validationAccuracy: Double? = nil) {
        self.epoch = epoch
        self.trainingLoss = trainingLoss
        self.trainingAccuracy = trainingAccuracy
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
    }
}

/// Loss (left) and accuracy (right) against epoch.
public func trainingCurves(_ history: [EpochRecord], title: String = "Training") -> Canvas {
    let width = 1040, height = 440
    var canvas = Canvas(width: width, height: height)
    canvas.text(title, at: Point(Double(width) / 2, 24), size: PlotStyle.titleFont + 2, anchor: .middle, bold: true)
    let epochs = history.map { Double($0.epoch) }
    let best = history.filter { $0.validationLoss != nil }.min { $0.validationLoss! < $1.validationLoss! }
    let panels: [(String, String, (EpochRecord) -> Double, (EpochRecord) -> Double?)] = [
        ("Loss", "cross-entropy loss", { $0.trainingLoss }, { $0.validationLoss }),
        ("Accuracy", "accuracy (fraction)", { $0.trainingAccuracy }, { $0.validationAccuracy }),
    ]
    for (i, panel) in panels.enumerated() {
        var train = history.map(panel.2), validation = history.map { panel.3($0) ?? .nan }
        var yRange = paddedRange(train + validation)
        // A loss that spikes (a diverging first epoch) would flatten every other epoch: cap the axis and mark the
        // values above it at the top edge with their value.
        var offScale: [(epoch: Double, value: Double)] = []
        if i == 0, let cap = lossAxisCap(train + validation) {
            let kept = (train + validation).filter { $0.isFinite && $0 <= cap }
            yRange = paddedRange(kept)
            for (e, v) in zip(epochs, validation) where v > yRange.upperBound { offScale.append((e, v)) }
            for (e, v) in zip(epochs, train) where v > yRange.upperBound { offScale.append((e, v)) }
            train = train.map { min($0, yRange.upperBound) }
            validation = validation.map { $0.isFinite ? min($0, yRange.upperBound) : $0 }
        }
        if i == 0 { yRange = min(0, yRange.lowerBound)...yRange.upperBound }
        let axes = Axes(left: 90 + Double(i) * 510, top: 64, width: 420, height: 300,
                        xRange: paddedRange(epochs, padding: 0.02), yRange: yRange)
        axes.draw(on: &canvas, xLabel: "epoch", yLabel: panel.1, title: panel.0)
        if let best {
            canvas.line(from: axes.point(Double(best.epoch), yRange.lowerBound), to: axes.point(Double(best.epoch), yRange.upperBound),
                        stroke: Stroke(.grey, width: 1, dash: [4, 4]))
        }
        let trainStroke = Stroke(Palette.blue, width: 2), validationStroke = Stroke(Palette.vermillion, width: 2, dash: [7, 4])
        canvas.polyline(axes.dataPoints(epochs, train), stroke: trainStroke)
        canvas.polyline(axes.dataPoints(epochs, validation), stroke: validationStroke)
        if history.count <= 60 {
            for p in axes.dataPoints(epochs, train) { canvas.marker(.circle, at: p, size: 5, fill: Palette.blue) }
            for p in axes.dataPoints(epochs, validation) { canvas.marker(.square, at: p, size: 5, fill: Palette.vermillion) }
        }
        for (k, point) in offScale.enumerated() {
            let p = axes.point(point.epoch, yRange.upperBound)
            canvas.marker(.triangle, at: Point(p.x, p.y + 6), size: 9, fill: .darkGrey)
            canvas.text(String(format: "%.3g off scale", point.value), at: Point(p.x + 8, p.y + 14 + 13 * Double(k)),
                        size: PlotStyle.tickFont, color: .darkGrey)
        }
        var entries = [LegendEntry("training", .line(trainStroke))]
        if validation.contains(where: \.isFinite) { entries.append(LegendEntry("validation", .line(validationStroke))) }
        if let best { entries.append(LegendEntry("lowest validation loss (epoch \(best.epoch))", .line(Stroke(.grey, dash: [4, 4])))) }
        canvas.legend(entries, in: axes, corner: i == 0 ? .topRight : .bottomRight)
    }
    return canvas
}

/// The top of the loss axis when some losses are far above the rest (more than three times the upper quartile),
/// else nil.
func lossAxisCap(_ values: [Double]) -> Double? {
    let finite = values.filter(\.isFinite).sorted()
    guard finite.count >= 4 else { return nil }
    let cap = 3 * finite[(finite.count * 3) / 4]
    return cap > 0 && finite.last! > cap ? cap : nil
}
