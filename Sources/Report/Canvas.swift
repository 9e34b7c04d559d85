// A small 2-D drawing: shapes, text and images in pixel coordinates (origin top left, y down), recorded once and
// rendered by both the SVG writer and the rasteriser, so the SVG and PNG of a plot show the same picture.
import Imaging

public struct Point: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }
}

/// How a line is drawn: colour, width in pixels and an optional dash pattern (on, off, on, ... lengths).
public struct Stroke: Sendable, Equatable {
    public var color: RGBColor
    public var width: Double
    public var dash: [Double]

    public init(_ color: RGBColor, width: Double = 1, dash: [Double] = []) {
        self.color = color
        self.width = width
        self.dash = dash
    }
}

public enum TextAnchor: String, Sendable {
    case start, middle, end
}

public enum MarkerShape: String, Sendable, CaseIterable {
    case circle, square, triangle, diamond, cross, plus
}

/// One recorded drawing operation.
public enum Element: Sendable {
    /// A polyline or polygon (when `closed`), filled and/or stroked.
    case path([Point], closed: Bool, fill: RGBColor?, stroke: Stroke?)
    case circle(center: Point, radius: Double, fill: RGBColor?, stroke: Stroke?)
    /// Text whose baseline starts, centres or ends (per `anchor`) at `position`, turned by `rotation` degrees
    /// (clockwise, as SVG's rotate; -90 reads bottom to top).
    case text(String, position: Point, size: Double, color: RGBColor, anchor: TextAnchor, rotation: Double, bold: Bool)
    /// An image scaled into the rectangle (nearest neighbour); 1-channel images are grey, 3 or more are RGB.
    case image(Image, origin: Point, width: Double, height: Double)
}

/// A drawing of `width` x `height` pixels on a background colour.
public struct Canvas: Sendable {
    public let width: Int
    public let height: Int
    public var background: RGBColor
    public private(set) var elements: [Element] = []
    /// The family SVG text asks for; the PNG uses the built-in bitmap font.
    public var fontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif"

    public init(width: Int, height: Int, background: RGBColor = .white) {
        precondition(width > 0 && height > 0, "Canvas: size must be positive, got \(width)x\(height)")
        self.width = width
        self.height = height
        self.background = background
    }

    public mutating func add(_ element: Element) { elements.append(element) }

    /// Everything drawn on `other`, shifted by `offset` (for composing panels into one figure).
    public mutating func draw(_ other: Canvas, at offset: Point) {
        func move(_ p: Point) -> Point { Point(p.x + offset.x, p.y + offset.y) }
        add(.path([Point(0, 0), Point(Double(other.width), 0), Point(Double(other.width), Double(other.height)),
                   Point(0, Double(other.height))].map(move), closed: true, fill: other.background, stroke: nil))
        for element in other.elements {
            switch element {
            case let .path(points, closed, fill, stroke):
                add(.path(points.map(move), closed: closed, fill: fill, stroke: stroke))
            case let .circle(center, radius, fill, stroke):
                add(.circle(center: move(center), radius: radius, fill: fill, stroke: stroke))
            case let .text(s, position, size, color, anchor, rotation, bold):
                add(.text(s, position: move(position), size: size, color: color, anchor: anchor, rotation: rotation, bold: bold))
            case let .image(image, origin, w, h):
                add(.image(image, origin: move(origin), width: w, height: h))
            }
        }
    }

    public mutating func line(from a: Point, to b: Point, stroke: Stroke) {
        add(.path([a, b], closed: false, fill: nil, stroke: stroke))
    }

    public mutating func polyline(_ points: [Point], stroke: Stroke) {
        guard points.count >= 2 else { return }
        add(.path(points, closed: false, fill: nil, stroke: stroke))
    }

    public mutating func polygon(_ points: [Point], fill: RGBColor?, stroke: Stroke? = nil) {
        guard points.count >= 3 else { return }
        add(.path(points, closed: true, fill: fill, stroke: stroke))
    }

    public mutating func rectangle(x: Double, y: Double, width: Double, height: Double, fill: RGBColor?, stroke: Stroke? = nil) {
        polygon([Point(x, y), Point(x + width, y), Point(x + width, y + height), Point(x, y + height)], fill: fill, stroke: stroke)
    }

    public mutating func circle(center: Point, radius: Double, fill: RGBColor?, stroke: Stroke? = nil) {
        add(.circle(center: center, radius: radius, fill: fill, stroke: stroke))
    }

    /// A data marker of about `size` pixels across centred on `center`.
    public mutating func marker(_ shape: MarkerShape, at c: Point, size: Double, fill: RGBColor, stroke: Stroke? = nil) {
        let h = size / 2
        switch shape {
        case .circle: circle(center: c, radius: h, fill: fill, stroke: stroke)
        case .square: rectangle(x: c.x - h * 0.9, y: c.y - h * 0.9, width: size * 0.9, height: size * 0.9, fill: fill, stroke: stroke)
        case .triangle:
            polygon([Point(c.x, c.y - h * 1.1), Point(c.x + h, c.y + h * 0.75), Point(c.x - h, c.y + h * 0.75)], fill: fill, stroke: stroke)
        case .diamond:
            polygon([Point(c.x, c.y - h * 1.15), Point(c.x + h, c.y), Point(c.x, c.y + h * 1.15), Point(c.x - h, c.y)], fill: fill, stroke: stroke)
        case .cross, .plus:
            let width = max(1.5, size / 4)
            let d = shape == .plus ? h : h * 0.8
            let pairs = shape == .plus
                ? [(Point(c.x - d, c.y), Point(c.x + d, c.y)), (Point(c.x, c.y - d), Point(c.x, c.y + d))]
                : [(Point(c.x - d, c.y - d), Point(c.x + d, c.y + d)), (Point(c.x - d, c.y + d), Point(c.x + d, c.y - d))]
            for (a, b) in pairs { line(from: a, to: b, stroke: Stroke(fill, width: width)) }
        }
    }

    public mutating func text(_ s: String, at position: Point, size: Double = 13, color: RGBColor = .black,
                              anchor: TextAnchor = .start, rotation: Double = 0, bold: Bool = false) {
        add(.text(s, position: position, size: size, color: color, anchor: anchor, rotation: rotation, bold: bold))
    }

    public mutating func image(_ image: Image, x: Double, y: Double, width: Double, height: Double) {
        add(.image(image, origin: Point(x, y), width: width, height: height))
    }
}
