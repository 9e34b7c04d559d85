// Renders a canvas to an RGB raster: every element becomes polygons filled by scanline at `supersampling`² samples
// per pixel (nonzero winding), composited with its colour's alpha, then box-filtered down (anti-aliasing).
import Files
import Foundation
import Imaging

extension Canvas {
    /// The drawing as a 3-channel image of `width` x `height`, values in 0...1.
    public func raster(supersampling: Int = 3) -> Image {
        precondition(supersampling >= 1, "Canvas.raster: supersampling must be at least 1")
        var r = Rasterizer(width: width, height: height, scale: supersampling, background: background)
        for element in elements { r.draw(element) }
        return r.downsampled()
    }

    /// The drawing as PNG bytes (8-bit RGB).
    public func pngData(supersampling: Int = 3) throws -> Data {
        try raster(supersampling: supersampling).pngData()
    }

    /// Writes the PNG file atomically.
    public func writePNG(to url: URL, supersampling: Int = 3) throws {
        try AtomicFile.write(pngData(supersampling: supersampling), to: url)
    }
}

/// The set of covered samples of one element, within a bounding box of the supersampled grid.
private struct Coverage {
    let x0: Int, y0: Int, width: Int, height: Int
    var covered: [Bool]

    init?(bounds points: [Point], gridWidth: Int, gridHeight: Int) {
        guard let minX = points.map(\.x).min(), let maxX = points.map(\.x).max(),
              let minY = points.map(\.y).min(), let maxY = points.map(\.y).max(),
              minX.isFinite, maxX.isFinite, minY.isFinite, maxY.isFinite else { return nil }
        let x0 = max(0, Int(floor(minX))), x1 = min(gridWidth, Int(ceil(maxX)) + 1)
        let y0 = max(0, Int(floor(minY))), y1 = min(gridHeight, Int(ceil(maxY)) + 1)
        guard x1 > x0, y1 > y0 else { return nil }
        self.x0 = x0; self.y0 = y0; width = x1 - x0; height = y1 - y0
        covered = Array(repeating: false, count: width * height)
    }

    /// Marks the samples (at pixel centres) inside `polygon` by the nonzero winding rule.
    mutating func fill(_ polygon: [Point]) {
        guard polygon.count >= 3 else { return }
        let minY = polygon.map(\.y).min()!, maxY = polygon.map(\.y).max()!
        let rowStart = max(y0, Int(ceil(minY - 0.5))), rowEnd = min(y0 + height - 1, Int(ceil(maxY - 0.5)) - 1)
        guard rowStart <= rowEnd else { return }
        var crossings: [(x: Double, winding: Int)] = []
        let w = width, x0 = x0, y0 = y0
        covered.withUnsafeMutableBufferPointer { cells in
            for row in rowStart...rowEnd {
                let yc = Double(row) + 0.5
                crossings.removeAll(keepingCapacity: true)
                var a = polygon[polygon.count - 1]
                for b in polygon {
                    if (a.y <= yc && yc < b.y) || (b.y <= yc && yc < a.y) {
                        let x = a.x + (yc - a.y) * (b.x - a.x) / (b.y - a.y)
                        crossings.append((x, a.y < b.y ? 1 : -1))
                    }
                    a = b
                }
                crossings.sort { $0.x < $1.x }
                var winding = 0
                for k in 0..<max(0, crossings.count - 1) {
                    winding += crossings[k].winding
                    guard winding != 0 else { continue }
                    let first = max(x0, Int(ceil(crossings[k].x - 0.5)))
                    let last = min(x0 + w - 1, Int(ceil(crossings[k + 1].x - 0.5)) - 1)
                    if first <= last {
                        let base = (row - y0) * w - x0
                        for i in first...last { cells[base + i] = true }
                    }
                }
            }
        }
    }
}

private struct Rasterizer {
    let width: Int, height: Int, scale: Int
    let gridWidth: Int, gridHeight: Int
    var rgb: [Float]  // interleaved, supersampled

    init(width: Int, height: Int, scale: Int, background: RGBColor) {
        self.width = width; self.height = height; self.scale = scale
        gridWidth = width * scale; gridHeight = height * scale
        let c = flatten(background), samples = gridWidth * gridHeight
        rgb = [Float](unsafeUninitializedCapacity: samples * 3) { buffer, count in
            for i in 0..<samples {
                buffer[3 * i] = c.0; buffer[3 * i + 1] = c.1; buffer[3 * i + 2] = c.2
            }
            count = samples * 3
        }
    }

    mutating func draw(_ element: Element) {
        let s = Double(scale)
        func grid(_ p: Point) -> Point { Point(p.x * s, p.y * s) }
        switch element {
        case let .path(points, closed, fill, stroke):
            let g = points.map(grid)
            if let fill, closed { paint([g], fill) }
            if let stroke { paint(strokePolygons(g, closed: closed, width: stroke.width * s, dash: stroke.dash.map { $0 * s }), stroke.color) }
        case let .circle(center, radius, fill, stroke):
            let c = grid(center), r = radius * s
            let n = max(12, min(96, Int(r * 2)))
            let ring = (0..<n).map { k in
                let t = 2 * Double.pi * Double(k) / Double(n)
                return Point(c.x + r * cos(t), c.y + r * sin(t))
            }
            if let fill { paint([ring], fill) }
            if let stroke { paint(strokePolygons(ring, closed: true, width: stroke.width * s, dash: stroke.dash.map { $0 * s }), stroke.color) }
        case let .text(string, position, size, color, anchor, rotation, bold):
            paint(textPolygons(string, at: grid(position), size: size * s, anchor: anchor, rotation: rotation, bold: bold), color)
        case let .image(image, origin, w, h):
            blit(displayable(image), origin: grid(origin), width: w * s, height: h * s)
        }
    }

    /// Composites `color` over every sample covered by any of `polygons`.
    mutating func paint(_ polygons: [[Point]], _ color: RGBColor) {
        guard color.alpha > 0, var coverage = Coverage(bounds: polygons.flatMap { $0 }, gridWidth: gridWidth, gridHeight: gridHeight)
        else { return }
        for polygon in polygons { coverage.fill(polygon) }
        let a = Float(min(1, color.alpha)), c = flatten(color)
        let gw = gridWidth
        rgb.withUnsafeMutableBufferPointer { rgb in
            coverage.covered.withUnsafeBufferPointer { covered in
                for row in 0..<coverage.height {
                    for col in 0..<coverage.width where covered[row * coverage.width + col] {
                        let i = 3 * ((coverage.y0 + row) * gw + coverage.x0 + col)
                        rgb[i] += (c.0 - rgb[i]) * a
                        rgb[i + 1] += (c.1 - rgb[i + 1]) * a
                        rgb[i + 2] += (c.2 - rgb[i + 2]) * a
                    }
                }
            }
        }
    }

    /// Copies `image` into the rectangle, nearest neighbour; values clamped to 0...1.
    mutating func blit(_ image: Image, origin: Point, width w: Double, height h: Double) {
        guard w > 0, h > 0, image.width > 0, image.height > 0 else { return }
        let x0 = max(0, Int(ceil(origin.x - 0.5))), x1 = min(gridWidth - 1, Int(ceil(origin.x + w - 0.5)) - 1)
        let y0 = max(0, Int(ceil(origin.y - 0.5))), y1 = min(gridHeight - 1, Int(ceil(origin.y + h - 0.5)) - 1)
        guard x0 <= x1, y0 <= y1 else { return }
        let plane = image.width * image.height
        let grey = image.channels == 1
        let gw = gridWidth
        rgb.withUnsafeMutableBufferPointer { rgb in
            image.pixels.withUnsafeBufferPointer { px in
                for row in y0...y1 {
                    let v = min(image.height - 1, Int((Double(row) + 0.5 - origin.y) / h * Double(image.height)))
                    for col in x0...x1 {
                        let u = min(image.width - 1, Int((Double(col) + 0.5 - origin.x) / w * Double(image.width)))
                        let p = v * image.width + u
                        let i = 3 * (row * gw + col)
                        for k in 0..<3 {
                            let value = px[grey ? p : k * plane + p]
                            rgb[i + k] = value.isFinite ? min(1, max(0, value)) : 0
                        }
                    }
                }
            }
        }
    }

    func downsampled() -> Image {
        let n = width * height, s = scale, gw = gridWidth
        let norm = 1 / Float(s * s)
        var pixels = [Float](repeating: 0, count: 3 * n)
        pixels.withUnsafeMutableBufferPointer { out in
            rgb.withUnsafeBufferPointer { rgb in
                for y in 0..<height {
                    for x in 0..<width {
                        var sum: (Float, Float, Float) = (0, 0, 0)
                        for dy in 0..<s {
                            var i = 3 * ((y * s + dy) * gw + x * s)
                            for _ in 0..<s {
                                sum.0 += rgb[i]; sum.1 += rgb[i + 1]; sum.2 += rgb[i + 2]
                                i += 3
                            }
                        }
                        let p = y * width + x
                        out[p] = sum.0 * norm; out[n + p] = sum.1 * norm; out[2 * n + p] = sum.2 * norm
                    }
                }
            }
        }
        return Image(width: width, height: height, channels: 3, pixels: pixels)
    }
}

private func flatten(_ c: RGBColor) -> (Float, Float, Float) { (Float(c.red), Float(c.green), Float(c.blue)) }

/// The outline of a stroked polyline as polygons: one quadrilateral per segment and a round cap at every vertex
/// (so joins are round), after cutting the line into dashes.
func strokePolygons(_ points: [Point], closed: Bool, width: Double, dash: [Double]) -> [[Point]] {
    guard points.count >= 2, width > 0 else { return [] }
    let path = closed ? points + [points[0]] : points
    let pieces = dash.isEmpty || dash.contains(where: { !($0 > 0) }) ? [path] : dashed(path, pattern: dash)
    let h = width / 2
    var polygons: [[Point]] = []
    for piece in pieces {
        for (a, b) in zip(piece, piece.dropFirst()) {
            let dx = b.x - a.x, dy = b.y - a.y, length = (dx * dx + dy * dy).squareRoot()
            guard length > 0 else { continue }
            let nx = -dy / length * h, ny = dx / length * h
            polygons.append([Point(a.x + nx, a.y + ny), Point(b.x + nx, b.y + ny), Point(b.x - nx, b.y - ny), Point(a.x - nx, a.y - ny)])
        }
        if h >= 1 && piece.count > 2 {
            let sides = max(8, min(32, Int(h * 2)))
            for p in piece.dropFirst().dropLast() {
                polygons.append((0..<sides).map { k in
                    let t = 2 * Double.pi * Double(k) / Double(sides)
                    return Point(p.x + h * cos(t), p.y + h * sin(t))
                })
            }
        }
    }
    return polygons
}

/// Cuts a polyline into its "on" dashes (pattern lengths must be positive).
func dashed(_ path: [Point], pattern: [Double]) -> [[Point]] {
    var pieces: [[Point]] = []
    var current: [Point] = [path[0]]
    var index = 0, left = pattern[0], on = true
    for (a, b) in zip(path, path.dropFirst()) {
        let dx = b.x - a.x, dy = b.y - a.y, length = (dx * dx + dy * dy).squareRoot()
        var travelled = 0.0
        while length - travelled >= left {
            travelled += left
            let p = Point(a.x + dx * travelled / length, a.y + dy * travelled / length)
            if on { current.append(p); pieces.append(current) }
            current = [p]
            on.toggle()
            index = (index + 1) % pattern.count
            left = pattern[index]
        }
        left -= length - travelled
        if on { current.append(b) } else { current = [b] }
    }
    if on && current.count >= 2 { pieces.append(current) }
    return pieces
}

/// The bitmap-font pixels of `text` as rectangles (one per horizontal run), placed and rotated like SVG text.
func textPolygons(_ text: String, at position: Point, size: Double, anchor: TextAnchor, rotation: Double, bold: Bool) -> [[Point]] {
    let unit = BitmapFont.unit(fontSize: size), advance = BitmapFont.advance(fontSize: size)
    let total = BitmapFont.width(of: text, fontSize: size)
    let startX = anchor == .start ? 0 : anchor == .middle ? -total / 2 : -total
    let angle = rotation * .pi / 180, cosA = cos(angle), sinA = sin(angle)
    func place(_ x: Double, _ y: Double) -> Point {
        Point(position.x + x * cosA - y * sinA, position.y + x * sinA + y * cosA)
    }
    var polygons: [[Point]] = []
    for (i, c) in text.enumerated() {
        let left = startX + Double(i) * advance
        for (row, bits) in BitmapFont.glyph(c).enumerated() where bits != 0 {
            var col = 0
            while col < 5 {
                guard bits & (0x10 >> UInt8(col)) != 0 else { col += 1; continue }
                var end = col
                while end + 1 < 5 && bits & (0x10 >> UInt8(end + 1)) != 0 { end += 1 }
                let x0 = left + Double(col) * unit, x1 = left + Double(end + 1) * unit + (bold ? unit * 0.6 : 0)
                let y0 = (Double(row) - 7) * unit, y1 = y0 + unit
                polygons.append([place(x0, y0), place(x1, y0), place(x1, y1), place(x0, y1)])
                col = end + 1
            }
        }
    }
    return polygons
}
