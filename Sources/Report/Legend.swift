// Legends: a boxed list of symbols and labels placed in a corner of the axes.

public struct LegendEntry: Sendable {
    public enum Symbol: Sendable {
        case marker(MarkerShape, RGBColor)
        case line(Stroke)
        case swatch(RGBColor)
    }

    public var label: String
    public var symbol: Symbol

    public init(_ label: String, _ symbol: Symbol) {
        self.label = label
        self.symbol = symbol
    }
}

public enum LegendCorner: Sendable {
    case topLeft, topRight, bottomLeft, bottomRight
}

extension Canvas {
    /// Draws `entries` in a white box inside `axes` at `corner`.
    public mutating func legend(_ entries: [LegendEntry], in axes: Axes, corner: LegendCorner = .topRight) {
        guard !entries.isEmpty else { return }
        let size = PlotStyle.legendFont, rowHeight = size + 7, symbolWidth = 22.0, pad = 8.0
        let (x, y, boxWidth, boxHeight) = legendBox(entries, in: axes, corner: corner)
        rectangle(x: x, y: y, width: boxWidth, height: boxHeight, fill: RGBColor.white.withAlpha(0.88),
                  stroke: Stroke(RGBColor.grey, width: 0.8))
        for (i, entry) in entries.enumerated() {
            let cy = y + pad + rowHeight * Double(i) + size / 2
            let sx = x + pad
            switch entry.symbol {
            case let .marker(shape, colour):
                marker(shape, at: Point(sx + symbolWidth / 2, cy), size: 9, fill: colour, stroke: Stroke(.white, width: 0.6))
            case let .line(stroke):
                line(from: Point(sx, cy), to: Point(sx + symbolWidth, cy), stroke: stroke)
            case let .swatch(colour):
                rectangle(x: sx + 2, y: cy - size / 2 + 1, width: symbolWidth - 4, height: size - 2, fill: colour,
                          stroke: Stroke(colour.withAlpha(1), width: 0.8))
            }
            text(entry.label, at: Point(sx + symbolWidth + 6, cy + size * 0.35), size: size)
        }
    }
}

/// Where `Canvas.legend` puts its box: (x, y, width, height) in pixels.
func legendBox(_ entries: [LegendEntry], in axes: Axes, corner: LegendCorner) -> (Double, Double, Double, Double) {
    let size = PlotStyle.legendFont, rowHeight = size + 7, symbolWidth = 22.0, pad = 8.0
    let textWidth = entries.map { BitmapFont.width(of: $0.label, fontSize: size) }.max() ?? 0
    let boxWidth = pad * 2 + symbolWidth + 6 + textWidth, boxHeight = pad * 2 + rowHeight * Double(entries.count) - 5
    let x = corner == .topLeft || corner == .bottomLeft ? axes.left + 8 : axes.right - 8 - boxWidth
    let y = corner == .topLeft || corner == .topRight ? axes.top + 8 : axes.bottom - 8 - boxHeight
    return (x, y, boxWidth, boxHeight)
}

/// The corner whose legend box would hide the fewest of `points` (pixels); ties go to the earlier of `preference`.
public func leastCrowdedLegendCorner(_ entries: [LegendEntry], in axes: Axes, points: [Point],
                                     preference: [LegendCorner] = [.bottomLeft, .topRight, .bottomRight, .topLeft]) -> LegendCorner {
    preference.min { legendHides(points, entries, in: axes, corner: $0) < legendHides(points, entries, in: axes, corner: $1) }
        ?? .bottomLeft
}

/// How many of `points` (pixels) a legend box at `corner` would cover, with a margin of a marker's half-width.
public func legendHides(_ points: [Point], _ entries: [LegendEntry], in axes: Axes, corner: LegendCorner) -> Int {
    let (x, y, w, h) = legendBox(entries, in: axes, corner: corner)
    return points.filter { $0.x >= x - 4 && $0.x <= x + w + 4 && $0.y >= y - 4 && $0.y <= y + h + 4 }.count
}
