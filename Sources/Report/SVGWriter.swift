// Renders a canvas as SVG text: paths, circles, real <text> and images inlined as base64 PNG.
import Files
import Foundation
import Imaging

extension Canvas {
    /// The drawing as an SVG document. `standalone` adds the XML declaration (for .svg files); leave it out to
    /// inline the SVG in HTML.
    public func svg(standalone: Bool = true) throws -> String {
        var out = standalone ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" : ""
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" "
            + "viewBox=\"0 0 \(width) \(height)\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" font-family=\"\(escapeXML(fontFamily))\">\n"
        out += "<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\"\(paint("fill", background))/>\n"
        for element in elements {
            switch element {
            case let .path(points, closed, fill, stroke):
                guard let first = points.first else { continue }
                var d = "M\(svgNumber(first.x)) \(svgNumber(first.y))"
                for p in points.dropFirst() { d += "L\(svgNumber(p.x)) \(svgNumber(p.y))" }
                if closed { d += "Z" }
                out += "<path d=\"\(d)\"\(paint("fill", fill))\(strokeAttributes(stroke))/>\n"
            case let .circle(center, radius, fill, stroke):
                out += "<circle cx=\"\(svgNumber(center.x))\" cy=\"\(svgNumber(center.y))\" r=\"\(svgNumber(radius))\""
                    + "\(paint("fill", fill))\(strokeAttributes(stroke))/>\n"
            case let .text(s, position, size, color, anchor, rotation, bold):
                var attributes = "x=\"\(svgNumber(position.x))\" y=\"\(svgNumber(position.y))\" font-size=\"\(svgNumber(size))\""
                attributes += paint("fill", color)
                if anchor != .start { attributes += " text-anchor=\"\(anchor.rawValue)\"" }
                if bold { attributes += " font-weight=\"bold\"" }
                if rotation != 0 {
                    attributes += " transform=\"rotate(\(svgNumber(rotation)) \(svgNumber(position.x)) \(svgNumber(position.y)))\""
                }
                out += "<text \(attributes)>\(escapeXML(s))</text>\n"
            case let .image(image, origin, w, h):
                let png = try displayable(image).pngData().base64EncodedString()
                out += "<image x=\"\(svgNumber(origin.x))\" y=\"\(svgNumber(origin.y))\" width=\"\(svgNumber(w))\" "
                    + "height=\"\(svgNumber(h))\" preserveAspectRatio=\"none\" style=\"image-rendering:pixelated\" "
                    + "xlink:href=\"data:image/png;base64,\(png)\"/>\n"
            }
        }
        return out + "</svg>\n"
    }

    /// Writes the SVG file atomically.
    public func writeSVG(to url: URL) throws {
        try AtomicFile.write(Data(svg().utf8), to: url)
    }
}

/// The first three planes (or the one grey plane) of an image, for display.
func displayable(_ image: Image) -> Image {
    if image.channels == 1 || image.channels == 3 { return image }
    if image.channels == 2 {
        return Image(width: image.width, height: image.height, channels: 1,
                     pixels: Array(image.pixels[0..<(image.width * image.height)]))
    }
    return Image(width: image.width, height: image.height, channels: 3,
                 pixels: Array(image.pixels[0..<(3 * image.width * image.height)]))
}

private func paint(_ attribute: String, _ color: RGBColor?) -> String {
    guard let color else { return " \(attribute)=\"none\"" }
    return " \(attribute)=\"\(color.hexString)\"" + (color.alpha < 1 ? " \(attribute)-opacity=\"\(svgNumber(color.alpha))\"" : "")
}

private func strokeAttributes(_ stroke: Stroke?) -> String {
    guard let stroke else { return "" }
    var out = paint("stroke", stroke.color) + " stroke-width=\"\(svgNumber(stroke.width))\" stroke-linejoin=\"round\""
    if !stroke.dash.isEmpty { out += " stroke-dasharray=\"\(stroke.dash.map(svgNumber).joined(separator: " "))\"" }
    return out
}

/// A coordinate with at most two decimals and no trailing zeros.
func svgNumber(_ x: Double) -> String {
    let r = (x * 100).rounded() / 100
    if r == r.rounded() && abs(r) < 1e15 { return String(Int(r)) }
    var s = String(format: "%.2f", r)
    while s.hasSuffix("0") { s.removeLast() }
    return s
}

/// Escapes text for XML and HTML content and attribute values.
func escapeXML(_ s: String) -> String {
    escaped(s) { scalar in
        switch scalar {
        case "&": "&amp;"
        case "<": "&lt;"
        case ">": "&gt;"
        case "\"": "&quot;"
        case "'": "&#39;"
        default: nil
        }
    }
}
