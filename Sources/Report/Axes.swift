// Axes: a rectangle of the canvas mapped to data ranges, with its frame, ticks, tick labels, axis labels (with units)
// and title. Every plot draws its data through one of these.
import Foundation

/// Font sizes and line widths shared by the plots, chosen to read on a laptop screen at 100%.
public enum PlotStyle {
    public static let tickFont = 13.0
    public static let labelFont = 15.0
    public static let titleFont = 16.0
    public static let legendFont = 13.0
    public static let axisColour = RGBColor.darkGrey
    public static let gridColour = RGBColor(hex: 0xE8E8E8)
}

/// A plot area on a canvas and the data ranges it shows.
public struct Axes: Sendable {
    /// The plot area in canvas pixels.
    public var left: Double, top: Double, width: Double, height: Double
    public var xRange: ClosedRange<Double>
    public var yRange: ClosedRange<Double>
    /// Flip an axis (magnitudes are often drawn bright side up).
    public var xInverted = false, yInverted = false

    public init(left: Double, top: Double, width: Double, height: Double,
                xRange: ClosedRange<Double>, yRange: ClosedRange<Double>) {
        self.left = left
        self.top = top
        self.width = width
        self.height = height
        self.xRange = xRange.lowerBound == xRange.upperBound ? (xRange.lowerBound - 0.5)...(xRange.upperBound + 0.5) : xRange
        self.yRange = yRange.lowerBound == yRange.upperBound ? (yRange.lowerBound - 0.5)...(yRange.upperBound + 0.5) : yRange
    }

    public var right: Double { left + width }
    public var bottom: Double { top + height }

    public func px(_ x: Double) -> Double {
        let t = (x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound)
        return left + (xInverted ? 1 - t : t) * width
    }

    public func py(_ y: Double) -> Double {
        let t = (y - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound)
        return bottom - (yInverted ? 1 - t : t) * height
    }

    public func point(_ x: Double, _ y: Double) -> Point { Point(px(x), py(y)) }

    public func contains(_ x: Double, _ y: Double) -> Bool { xRange.contains(x) && yRange.contains(y) }

    /// Draws grid lines, the frame, ticks with labels, the axis labels and the title.
    public func draw(on canvas: inout Canvas, xLabel: String?, yLabel: String?, title: String? = nil, grid: Bool = true,
                     xTicks: [(Double, String)]? = nil, yTicks: [(Double, String)]? = nil) {
        let xt = xTicks ?? niceTicks(xRange).map { ($0, tickLabel($0, step: tickStep(xRange))) }
        let yt = yTicks ?? niceTicks(yRange).map { ($0, tickLabel($0, step: tickStep(yRange))) }
        if grid {
            for (x, _) in xt { canvas.line(from: Point(px(x), top), to: Point(px(x), bottom), stroke: Stroke(PlotStyle.gridColour)) }
            for (y, _) in yt { canvas.line(from: Point(left, py(y)), to: Point(right, py(y)), stroke: Stroke(PlotStyle.gridColour)) }
        }
        drawFrame(on: &canvas, xLabel: xLabel, yLabel: yLabel, title: title, xTicks: xt, yTicks: yt)
    }

    /// The frame, ticks and labels only (for plots that paint their own background, like heatmaps).
    public func drawFrame(on canvas: inout Canvas, xLabel: String?, yLabel: String?, title: String?,
                          xTicks: [(Double, String)], yTicks: [(Double, String)]) {
        let axis = Stroke(PlotStyle.axisColour, width: 1)
        canvas.rectangle(x: left, y: top, width: width, height: height, fill: nil, stroke: axis)
        for (x, label) in xTicks {
            canvas.line(from: Point(px(x), bottom), to: Point(px(x), bottom + 5), stroke: axis)
            canvas.text(label, at: Point(px(x), bottom + 19), size: PlotStyle.tickFont, color: PlotStyle.axisColour, anchor: .middle)
        }
        var widest = 0.0
        for (y, label) in yTicks {
            canvas.line(from: Point(left - 5, py(y)), to: Point(left, py(y)), stroke: axis)
            canvas.text(label, at: Point(left - 8, py(y) + 4.5), size: PlotStyle.tickFont, color: PlotStyle.axisColour, anchor: .end)
            widest = max(widest, BitmapFont.width(of: label, fontSize: PlotStyle.tickFont))
        }
        if let xLabel {
            canvas.text(xLabel, at: Point(left + width / 2, bottom + 40), size: PlotStyle.labelFont, anchor: .middle)
        }
        if let yLabel {
            canvas.text(yLabel, at: Point(left - widest - 18, top + height / 2), size: PlotStyle.labelFont, anchor: .middle, rotation: -90)
        }
        if let title {
            canvas.text(title, at: Point(left + width / 2, top - 12), size: PlotStyle.titleFont, anchor: .middle, bold: true)
        }
    }

    /// A polyline of data points, cut where it leaves the plot area's y range (clamped), x outside skipped.
    public func dataPoints(_ xs: [Double], _ ys: [Double]) -> [Point] {
        zip(xs, ys).filter { $0.0.isFinite && $0.1.isFinite && xRange.contains($0.0) }
            .map { point($0.0, min(yRange.upperBound, max(yRange.lowerBound, $0.1))) }
    }
}

/// The step between "nice" ticks (1, 2 or 5 times a power of ten) giving about `target` ticks over `range`.
func tickStep(_ range: ClosedRange<Double>, target: Int = 6) -> Double {
    let span = range.upperBound - range.lowerBound
    guard span > 0, span.isFinite else { return 1 }
    let raw = span / Double(target)
    let power = pow(10, floor(log10(raw)))
    let m = raw / power
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * power
}

/// Tick positions at multiples of `tickStep` inside `range`.
public func niceTicks(_ range: ClosedRange<Double>, target: Int = 6) -> [Double] {
    let step = tickStep(range, target: target)
    var ticks: [Double] = []
    var k = ceil(range.lowerBound / step - 1e-9)
    while k * step <= range.upperBound + step * 1e-9 && ticks.count < 100 {
        ticks.append(abs(k * step) < step * 1e-9 ? 0 : k * step)
        k += 1
    }
    return ticks
}

/// A tick label with as many decimals as the step needs, and a true minus sign.
func tickLabel(_ value: Double, step: Double) -> String {
    let decimals = max(0, Int(-floor(log10(step) + 1e-9)))
    let s = String(format: "%.\(decimals)f", value)
    return s.hasPrefix("-") ? "\u{2212}" + s.dropFirst() : s
}

/// The range of the finite values, widened by `padding` of its span on each side (0...1 when there are none).
public func paddedRange(_ values: [Double], padding: Double = 0.05) -> ClosedRange<Double> {
    let finite = values.filter(\.isFinite)
    guard let lo = finite.min(), let hi = finite.max() else { return 0...1 }
    let pad = hi > lo ? (hi - lo) * padding : 0.5
    return (lo - pad)...(hi + pad)
}

/// The padded range of `values` without their far outliers (a catalogue's failed photometry, g − z = −5): the
/// values within `fence` interquartile ranges of the quartiles (Tukey's fences). Few values, or no spread between
/// the quartiles, give the plain padded range.
public func robustRange(_ values: [Double], fence: Double = 2, padding: Double = 0.05) -> ClosedRange<Double> {
    let finite = values.filter(\.isFinite).sorted()
    guard finite.count >= 8 else { return paddedRange(finite, padding: padding) }
    let q1 = finite[finite.count / 4], q3 = finite[(finite.count * 3) / 4]
    guard q3 > q1 else { return paddedRange(finite, padding: padding) }
    let lo = q1 - fence * (q3 - q1), hi = q3 + fence * (q3 - q1)
    return paddedRange(finite.filter { $0 >= lo && $0 <= hi }, padding: padding)
}
