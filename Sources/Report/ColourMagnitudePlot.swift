// The colour-magnitude diagram, r against g-z, with the fitted red sequence and its regions shaded, and its points
// coloured by region, by true label, by predicted label, or by the outcome (TP/TN/FP/FN).
import Evaluation
import Foundation

/// Objects to place in the colour-magnitude diagram: r magnitudes, g-z colours and, when known, labels.
public struct ColourMagnitudeData: Sendable {
    public var magnitude: [Double]
    public var colour: [Double]
    public var truth: [Int]?
    public var predicted: [Int]?

    public init(magnitude: [Double], colour: [Double], truth: [Int]? = nil, predicted: [Int]? = nil) {
        precondition(magnitude.count == colour.count, "ColourMagnitudeData: \(magnitude.count) magnitudes, \(colour.count) colours")
        precondition(truth.map { $0.count == magnitude.count } ?? true, "ColourMagnitudeData: truth count differs")
        precondition(predicted.map { $0.count == magnitude.count } ?? true, "ColourMagnitudeData: predicted count differs")
        self.magnitude = magnitude
        self.colour = colour
        self.truth = truth
        self.predicted = predicted
    }
}

/// What the point colours of a colour-magnitude diagram show.
public enum CMDColouring: String, Sendable, CaseIterable {
    case region, truth, prediction, outcome
}

private let regionColours: [ColourRegion: RGBColor] = [
    .blueCloud: Palette.blue, .greenValley: Palette.bluishGreen, .redSequence: Palette.vermillion,
]

/// A colour-magnitude diagram of 640 x 500 pixels (by default). With `sequence`, its line, its region
/// boundaries and shaded regions are drawn; classes are named by `classNames` (background, member by default).
public func colourMagnitudeDiagram(_ data: ColourMagnitudeData, sequence: RedSequence? = nil,
                                   boundaries: ColourRegionBoundaries = .init(), colouring: CMDColouring = .region,
                                   classNames: [String] = ["background", "member"], title: String? = nil,
                                   width: Int = 640, height: Int = 500) -> Canvas {
    let drawn = cmd(data, sequence: sequence, boundaries: boundaries, colouring: colouring, classNames: classNames, title: title,
                    width: width, height: height, headroom: 0)
    guard drawn.hidden > 0 else { return drawn.canvas }
    // The legend would hide points in every corner: make room for it above the data.
    return cmd(data, sequence: sequence, boundaries: boundaries, colouring: colouring, classNames: classNames, title: title,
               width: width, height: height, headroom: drawn.legendFraction).canvas
}

/// The diagram with `headroom` (a fraction of the axes' height) left empty above the data, and how many points its
/// legend hides.
private func cmd(_ data: ColourMagnitudeData, sequence: RedSequence?, boundaries: ColourRegionBoundaries, colouring: CMDColouring,
                 classNames: [String], title: String?, width: Int, height: Int,
                 headroom: Double) -> (canvas: Canvas, hidden: Int, legendFraction: Double) {
    var canvas = Canvas(width: width, height: height)
    var yRange = robustRange(data.colour)
    yRange = yRange.lowerBound...(yRange.upperBound + (yRange.upperBound - yRange.lowerBound) * headroom / max(0.05, 1 - headroom))
    let axes = Axes(left: 78, top: 44, width: Double(width) - 100, height: Double(height) - 108,
                    xRange: robustRange(data.magnitude), yRange: yRange)
    let heading = title ?? {
        switch colouring {
        case .region: "Colour-magnitude diagram"
        case .truth: "True labels"
        case .prediction: "Predicted labels"
        case .outcome: "Outcomes (member = positive)"
        }
    }()
    var legend: [LegendEntry] = []
    var regionLabels: [(String, Point, RGBColor)] = []
    if let sequence {
        // Shade each region as a band between its lower and upper edges, sampled along r and clamped to the axes.
        let steps = 60
        let xs = (0...steps).map { axes.xRange.lowerBound + (axes.xRange.upperBound - axes.xRange.lowerBound) * Double($0) / Double(steps) }
        let regions: [ColourRegion] = [.blueCloud, .greenValley, .redSequence]
        for (i, region) in regions.enumerated() {
            func edge(_ r: ColourRegion?, _ x: Double) -> Double {
                guard let r else { return axes.yRange.upperBound }
                return max(axes.yRange.lowerBound, min(axes.yRange.upperBound, boundaries.lowerEdge(of: r, sequence: sequence, magnitude: x)))
            }
            let upper = i + 1 < regions.count ? regions[i + 1] : nil
            let band = xs.map { axes.point($0, edge(upper, $0)) } + xs.reversed().map { axes.point($0, edge(region, $0)) }
            canvas.polygon(band, fill: regionColours[region]!.withAlpha(0.10))
            // Name the band at its right end when it shows enough of itself there.
            let xEnd = axes.xRange.upperBound, top = axes.py(edge(upper, xEnd)), bottom = axes.py(region == .blueCloud ? axes.yRange.lowerBound : edge(region, xEnd))
            if bottom - top > 16 {
                regionLabels.append((region.rawValue, Point(axes.right - 6, (top + bottom) / 2 + 4), regionColours[region]!))
            }
        }
        for edgeRegion in [ColourRegion.greenValley, .redSequence] {
            canvas.polyline(axes.dataPoints(xs, xs.map { boundaries.lowerEdge(of: edgeRegion, sequence: sequence, magnitude: $0) }),
                            stroke: Stroke(.grey, width: 1, dash: [5, 4]))
        }
    }
    axes.draw(on: &canvas, xLabel: "r (mag)", yLabel: "g \u{2212} z (mag)", title: heading)
    if let sequence {
        let xs = [axes.xRange.lowerBound, axes.xRange.upperBound]
        canvas.polyline(axes.dataPoints(xs, xs.map(sequence.colour(atMagnitude:))), stroke: Stroke(.black, width: 2))
        legend.insert(LegendEntry(String(format: "red sequence fit (slope %.3f, \u{03C3} %.3f)", sequence.slope, sequence.scatter),
                                  .line(Stroke(.black, width: 2))), at: 0)
    }
    // Each point's colour, marker and legend group.
    var style: [(colour: RGBColor, shape: MarkerShape, group: String)] = []
    func name(_ c: Int) -> String { c < classNames.count ? classNames[c] : String(c) }
    for i in data.magnitude.indices {
        switch colouring {
        case .region:
            let region = sequence?.region(magnitude: data.magnitude[i], colour: data.colour[i], boundaries: boundaries)
            style.append(region.map { (regionColours[$0]!, .circle, $0.rawValue) } ?? (.darkGrey, .circle, "objects"))
        case .truth, .prediction:
            guard let label = colouring == .truth ? data.truth?[i] : data.predicted?[i] else {
                style.append((.darkGrey, .circle, "unlabelled")); continue
            }
            style.append((Palette.classColour(label), label == 1 ? .triangle : .circle, name(label)))
        case .outcome:
            guard let t = data.truth?[i], let p = data.predicted?[i] else { style.append((.darkGrey, .circle, "unlabelled")); continue }
            switch (t, p) {
            case (1, 1): style.append((Palette.blue, .triangle, "TP"))
            case (0, 0): style.append((RGBColor.grey, .circle, "TN"))
            case (0, _): style.append((Palette.vermillion, .square, "FP"))
            default: style.append((Palette.orange, .diamond, "FN"))
            }
        }
    }
    // Draw the common groups first so rare ones (errors, members) stay visible on top.
    let groups = Dictionary(grouping: style.indices, by: { style[$0].group })
    let order = groups.keys.sorted { groups[$0]!.count > groups[$1]!.count }
    for group in order {
        for i in groups[group]! where axes.contains(data.magnitude[i], data.colour[i]) {
            canvas.marker(style[i].shape, at: axes.point(data.magnitude[i], data.colour[i]), size: 7,
                          fill: style[i].colour.withAlpha(0.85), stroke: Stroke(.white, width: 0.5))
        }
    }
    // Far outliers sit on the frame where they left it, as grey crosses, so they are neither lost nor stretch the axes.
    let outside = data.magnitude.indices.filter { data.magnitude[$0].isFinite && data.colour[$0].isFinite && !axes.contains(data.magnitude[$0], data.colour[$0]) }
    for i in outside {
        let x = min(max(data.magnitude[i], axes.xRange.lowerBound), axes.xRange.upperBound)
        let y = min(max(data.colour[i], axes.yRange.lowerBound), axes.yRange.upperBound)
        canvas.marker(.cross, at: axes.point(x, y), size: 7, fill: .darkGrey)
    }
    let legendOrder = ["TP", "TN", "FP", "FN"] + classNames + ColourRegion.allCases.map(\.rawValue) + ["objects", "unlabelled"]
    for group in legendOrder where groups[group] != nil {
        let i = groups[group]![0]
        legend.append(LegendEntry("\(group) (\(groups[group]!.count))", .marker(style[i].shape, style[i].colour)))
    }
    if !outside.isEmpty {
        legend.append(LegendEntry("beyond the axes, on the frame (\(outside.count))", .marker(.cross, .darkGrey)))
    }
    for (text, at, colour) in regionLabels {
        canvas.text(text, at: at, size: PlotStyle.tickFont, color: colour, anchor: .end, bold: true)
    }
    let drawn = data.magnitude.indices.filter { axes.contains(data.magnitude[$0], data.colour[$0]) }
        .map { axes.point(data.magnitude[$0], data.colour[$0]) }
    let corner = headroom > 0 ? LegendCorner.topLeft : leastCrowdedLegendCorner(legend, in: axes, points: drawn)
    canvas.legend(legend, in: axes, corner: corner)
    let boxHeight = legendBox(legend, in: axes, corner: corner).3
    return (canvas, legendHides(drawn, legend, in: axes, corner: corner), min(0.6, (boxHeight + 16) / axes.height))
}

/// The colour-magnitude diagram three times side by side: by true label, by predicted label and by outcome.
public func colourMagnitudeComparison(_ data: ColourMagnitudeData, sequence: RedSequence? = nil,
                                      boundaries: ColourRegionBoundaries = .init(),
                                      classNames: [String] = ["background", "member"]) -> Canvas {
    let panels = [CMDColouring.truth, .prediction, .outcome].map {
        colourMagnitudeDiagram(data, sequence: sequence, boundaries: boundaries, colouring: $0, classNames: classNames,
                               width: 560, height: 480)
    }
    var canvas = Canvas(width: 560 * panels.count, height: 480)
    for (i, panel) in panels.enumerated() { canvas.draw(panel, at: Point(Double(560 * i), 0)) }
    return canvas
}
