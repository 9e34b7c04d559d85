// A gallery of cutouts (typically the misclassified objects), each with its name, its labels and the predicted
// probability of membership.
import Foundation
import Imaging

/// One tile of a gallery.
public struct GalleryItem: Sendable {
    public var image: Image
    public var title: String
    /// Up to two lines under the title (broken at "\n" or where they get too long), e.g. "member · r 16.5 mag".
    public var caption: String?
    /// Predicted probability of membership, shown as "p = 0.83".
    public var probability: Double?
    /// Frame colour (e.g. by outcome); none when nil.
    public var frame: RGBColor?

    public init(image: Image, title: String, caption: String? = nil, probability: Double? = nil, frame: RGBColor? = nil) {
        self.image = image
        self.title = title
        self.caption = caption
        self.probability = probability
        self.frame = frame
    }
}

/// Tiles of `tileSize` pixels in rows of `columns`, each with up to three lines of text beneath.
public func cutoutGallery(_ items: [GalleryItem], columns: Int = 5, tileSize: Int = 150,
                          title: String = "Misclassified objects") -> Canvas {
    precondition(columns >= 1 && tileSize >= 16, "cutoutGallery: columns \(columns), tileSize \(tileSize)")
    let tile = Double(tileSize), gap = 16.0, textHeight = 64.0, captionFont = 11.0
    let cols = max(1, min(columns, items.count))
    let rows = max(1, (items.count + cols - 1) / cols)
    let width = Int(gap + Double(cols) * (tile + gap)), height = Int(50 + Double(rows) * (tile + textHeight + gap))
    var canvas = Canvas(width: max(width, 360), height: height)
    canvas.text(title, at: Point(Double(canvas.width) / 2, 28), size: PlotStyle.titleFont + 2, anchor: .middle, bold: true)
    if items.isEmpty {
        canvas.text("none", at: Point(Double(canvas.width) / 2, 70), size: PlotStyle.labelFont, color: .darkGrey, anchor: .middle)
    }
    for (i, item) in items.enumerated() {
        let x = gap + Double(i % cols) * (tile + gap), y = 50 + Double(i / cols) * (tile + textHeight + gap)
        canvas.image(item.image, x: x, y: y, width: tile, height: tile)
        canvas.rectangle(x: x, y: y, width: tile, height: tile, fill: nil,
                         stroke: Stroke(item.frame ?? .grey, width: item.frame == nil ? 1 : 3))
        // A long title (a 19-digit SDSS objID) gets a smaller font rather than losing digits; browsers draw bold
        // text wider than the bitmap font measures, hence the margin.
        let natural = BitmapFont.width(of: item.title, fontSize: PlotStyle.tickFont)
        let titleSize = max(8, min(PlotStyle.tickFont, PlotStyle.tickFont * tile * 0.8 / max(natural, 1)))
        canvas.text(fitted(item.title, width: tile, size: titleSize), at: Point(x + tile / 2, y + tile + 16),
                    size: titleSize, anchor: .middle, bold: true)
        // A caption's own line breaks are kept; each of its lines is wrapped.
        var lines = Array((item.caption ?? "").split(separator: "\n").flatMap {
            wrapped(String($0), width: tile, size: captionFont, maxLines: 2)
        }.prefix(2))
        if let p = item.probability { lines.append(String(format: "p(member) = %.2f", p)) }
        for (k, line) in lines.prefix(3).enumerated() {
            canvas.text(fitted(line, width: tile, size: captionFont), at: Point(x + tile / 2, y + tile + 31 + Double(k) * 13),
                        size: captionFont, color: .darkGrey, anchor: .middle)
        }
    }
    return canvas
}

/// `text` broken at spaces into at most `maxLines` lines of `width` pixels (the last one shortened if need be).
func wrapped(_ text: String, width: Double, size: Double, maxLines: Int) -> [String] {
    var lines: [String] = []
    var current = ""
    for word in text.split(separator: " ") {
        let candidate = current.isEmpty ? String(word) : current + " " + word
        if BitmapFont.width(of: candidate, fontSize: size) <= width || current.isEmpty {
            current = candidate
        } else {
            lines.append(current)
            current = String(word)
        }
    }
    if !current.isEmpty { lines.append(current) }
    if lines.count > maxLines {
        lines = Array(lines.prefix(maxLines - 1)) + [lines[(maxLines - 1)...].joined(separator: " ")]
    }
    return lines.map { fitted($0, width: width, size: size) }
}

/// `text` shortened with an ellipsis to fit `width` pixels in the bitmap font.
func fitted(_ text: String, width: Double, size: Double) -> String {
    guard BitmapFont.width(of: text, fontSize: size) > width else { return text }
    let keep = max(1, Int(width / BitmapFont.advance(fontSize: size)) - 2)
    return String(text.prefix(keep)) + ".."
}
