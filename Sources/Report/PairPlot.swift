// Pair plots: every variable against every other (scatter, lower triangle) with per-class histograms on the
// diagonal, for the colours u-g, g-r, r-i, g-z and the magnitude r.
import Foundation

/// One variable of a pair plot: its axis label (with units) and values.
public struct PairVariable: Sendable {
    public var label: String
    public var values: [Double]

    public init(_ label: String, _ values: [Double]) {
        self.label = label
        self.values = values
    }
}

/// A grid of panels `cellSize` pixels square: below the diagonal, row variable against column variable; on the
/// diagonal, histograms of each variable per class. Points are coloured by `classes` (with `classNames`) when given.
public func pairPlot(_ variables: [PairVariable], classes: [Int]? = nil, classNames: [String] = ["background", "member"],
                     title: String = "Colours and magnitude", cellSize: Int = 170) -> Canvas {
    let n = variables.count
    precondition(n >= 1, "pairPlot: no variables")
    let count = variables[0].values.count
    precondition(variables.allSatisfy { $0.values.count == count }, "pairPlot: variables have different lengths")
    precondition(classes.map { $0.count == count } ?? true, "pairPlot: \(classes?.count ?? 0) classes for \(count) objects")
    let margin = (left: 80.0, top: 56.0, gap: 12.0, bottom: 62.0, right: 20.0)
    let cell = Double(cellSize)
    let width = Int(margin.left + Double(n) * (cell + margin.gap) + margin.right)
    let height = Int(margin.top + Double(n) * (cell + margin.gap) + margin.bottom)
    var canvas = Canvas(width: width, height: height)
    canvas.text(title, at: Point(Double(width) / 2, 28), size: PlotStyle.titleFont + 2, anchor: .middle, bold: true)
    // Far outliers (failed photometry) would squeeze the rest into a corner: they fall outside the panels.
    let ranges = variables.map { robustRange($0.values) }
    let groups = classes.map { labels in Dictionary(grouping: labels.indices, by: { labels[$0] }) } ?? [0: Array(0..<count)]
    // Larger groups first so the rarer class stays visible.
    let groupOrder = groups.keys.sorted { groups[$0]!.count > groups[$1]!.count }
    func colour(_ g: Int) -> RGBColor { classes == nil ? .darkGrey : Palette.classColour(g) }
    // Few ticks, labelled only on the outer panels, so the labels of a small panel do not collide.
    func ticks(_ v: Int, labelled: Bool) -> [(Double, String)] {
        let step = tickStep(ranges[v], target: 4)
        return niceTicks(ranges[v], target: 4).map { ($0, labelled ? tickLabel($0, step: step) : "") }
    }
    for row in 0..<n {
        for col in 0...row {
            let axes = Axes(left: margin.left + Double(col) * (cell + margin.gap), top: margin.top + Double(row) * (cell + margin.gap),
                            width: cell, height: cell, xRange: ranges[col], yRange: row == col ? 0...1 : ranges[row])
            let xLabel = row == n - 1 ? variables[col].label : nil
            if row == col {
                let bins = 20
                let lo = ranges[col].lowerBound, span = ranges[col].upperBound - lo
                var histograms: [Int: [Double]] = [:]
                for g in groupOrder {
                    var h = Array(repeating: 0.0, count: bins)
                    for i in groups[g]! where ranges[col].contains(variables[col].values[i]) {
                        h[min(bins - 1, max(0, Int((variables[col].values[i] - lo) / span * Double(bins))))] += 1
                    }
                    let total = h.reduce(0, +)
                    histograms[g] = total > 0 ? h.map { $0 / total } : h
                }
                let peak = histograms.values.flatMap { $0 }.max() ?? 1
                var histAxes = axes
                histAxes.yRange = 0...(peak > 0 ? peak * 1.1 : 1)
                histAxes.draw(on: &canvas, xLabel: xLabel, yLabel: col == 0 ? "fraction" : nil, xTicks: ticks(col, labelled: row == n - 1),
                              yTicks: [])
                for g in groupOrder {
                    var outline: [Point] = [histAxes.point(lo, 0)]
                    for (b, v) in histograms[g]!.enumerated() {
                        let x0 = lo + span * Double(b) / Double(bins), x1 = lo + span * Double(b + 1) / Double(bins)
                        outline += [histAxes.point(x0, v), histAxes.point(x1, v)]
                    }
                    outline.append(histAxes.point(lo + span, 0))
                    canvas.polygon(outline, fill: colour(g).withAlpha(0.25), stroke: Stroke(colour(g), width: 1.5))
                }
            } else {
                axes.draw(on: &canvas, xLabel: xLabel, yLabel: col == 0 ? variables[row].label : nil,
                          xTicks: ticks(col, labelled: row == n - 1), yTicks: ticks(row, labelled: col == 0))
                for g in groupOrder {
                    for i in groups[g]! where axes.contains(variables[col].values[i], variables[row].values[i]) {
                        canvas.circle(center: axes.point(variables[col].values[i], variables[row].values[i]), radius: 2.2,
                                      fill: colour(g).withAlpha(0.7))
                    }
                }
            }
        }
    }
    if classes != nil {
        // The legend sits in the empty upper-right triangle.
        let legendAxes = Axes(left: margin.left + Double(n - 1) * (cell + margin.gap), top: margin.top, width: cell, height: cell,
                              xRange: 0...1, yRange: 0...1)
        canvas.legend(groups.keys.sorted().map { g in
            LegendEntry(g < classNames.count ? "\(classNames[g]) (\(groups[g]!.count))" : "class \(g)", .marker(.circle, colour(g)))
        }, in: legendAxes, corner: n > 1 ? .topRight : .topLeft)
    }
    return canvas
}

/// The study's pair plot: r and the colours u-g, g-r, r-i, g-z (all in magnitudes).
public func colourPairPlot(r: [Double], uMinusG: [Double], gMinusR: [Double], rMinusI: [Double], gMinusZ: [Double],
                           classes: [Int]? = nil, classNames: [String] = ["background", "member"]) -> Canvas {
    pairPlot([PairVariable("r (mag)", r), PairVariable("u \u{2212} g (mag)", uMinusG), PairVariable("g \u{2212} r (mag)", gMinusR),
              PairVariable("r \u{2212} i (mag)", rMinusI), PairVariable("g \u{2212} z (mag)", gMinusZ)],
             classes: classes, classNames: classNames)
}
