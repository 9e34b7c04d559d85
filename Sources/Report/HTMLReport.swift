// The run report: one self-contained HTML file (inline CSS, figures as inline SVG or base64 PNG, no scripts, no
// network) built from sections of tables, pre-formatted text and figures; and an index page linking reports.
import Files
import Foundation
import Imaging

/// How a figure goes into the HTML: inline SVG (sharp, small) or a base64 PNG.
public enum FigureFormat: Sendable {
    case svg, png
}

/// A piece of a report section.
public enum ReportBlock: Sendable {
    case paragraph(String)
    /// A two-column table of names and values (configuration, metrics).
    case keyValues([(String, String)])
    /// A table with a header row.
    case table(header: [String], rows: [[String]])
    /// Monospaced text kept as is, e.g. a classification report.
    case preformatted(String)
    case figure(Canvas, caption: String, format: FigureFormat = .svg)
    /// Figures side by side (wrapping on a narrow screen), each with its caption.
    case figureRow([(Canvas, String)], format: FigureFormat = .svg)
}

/// A titled section of a report.
public struct ReportSection: Sendable {
    public var title: String
    public var blocks: [ReportBlock]

    public init(_ title: String, _ blocks: [ReportBlock]) {
        self.title = title
        self.blocks = blocks
    }
}

/// A self-contained HTML report.
public struct HTMLReport: Sendable {
    public var title: String
    public var subtitle: String?
    public var sections: [ReportSection]

    public init(title: String, subtitle: String? = nil, sections: [ReportSection] = []) {
        self.title = title
        self.subtitle = subtitle
        self.sections = sections
    }

    public mutating func add(_ section: ReportSection) { sections.append(section) }

    public mutating func addConfiguration(_ pairs: [(String, String)], title: String = "Configuration") {
        add(ReportSection(title, [.keyValues(pairs)]))
    }

    public mutating func addMetrics(_ pairs: [(String, String)], title: String = "Metrics") {
        add(ReportSection(title, [.keyValues(pairs)]))
    }

    /// A classification report (or any fixed-width text) under a heading.
    public mutating func addText(_ title: String, _ text: String) {
        add(ReportSection(title, [.preformatted(text)]))
    }

    public mutating func addFigure(_ title: String, _ canvas: Canvas, caption: String = "", format: FigureFormat = .svg) {
        add(ReportSection(title, [.figure(canvas, caption: caption, format: format)]))
    }

    /// The whole document.
    public func html() throws -> String {
        var body = "<header><h1>\(escapeXML(title))</h1>"
        if let subtitle { body += "<p class=\"subtitle\">\(escapeXML(subtitle))</p>" }
        body += "</header>\n"
        if sections.count > 1 {
            body += "<nav><ul>" + sections.indices.map { "<li><a href=\"#s\($0 + 1)\">\(escapeXML(sections[$0].title))</a></li>" }
                .joined() + "</ul></nav>\n"
        }
        for (i, section) in sections.enumerated() {
            body += "<section id=\"s\(i + 1)\">\n<h2>\(escapeXML(section.title))</h2>\n"
            for block in section.blocks { body += try render(block) + "\n" }
            body += "</section>\n"
        }
        return htmlDocument(title: title, body: body)
    }

    /// Writes the report atomically (a temporary file in the same folder, then a rename).
    public func write(to url: URL) throws {
        try AtomicFile.write(Data(html().utf8), to: url)
    }

    private func render(_ block: ReportBlock) throws -> String {
        switch block {
        case let .paragraph(text):
            return "<p>\(escapeXML(text))</p>"
        case let .keyValues(pairs):
            return "<table class=\"kv\"><tbody>" + pairs.map { "<tr><th>\(escapeXML($0.0))</th><td>\(escapeXML($0.1))</td></tr>" }
                .joined() + "</tbody></table>"
        case let .table(header, rows):
            return "<table><thead><tr>" + header.map { "<th>\(escapeXML($0))</th>" }.joined() + "</tr></thead><tbody>"
                + rows.map { "<tr>" + $0.map { "<td>\(escapeXML($0))</td>" }.joined() + "</tr>" }.joined() + "</tbody></table>"
        case let .preformatted(text):
            return "<pre>\(escapeXML(text))</pre>"
        case let .figure(canvas, caption, format):
            return try figureHTML(canvas, caption: caption, format: format)
        case let .figureRow(figures, format):
            return "<div class=\"figure-row\">" + (try figures.map { try figureHTML($0.0, caption: $0.1, format: format) }.joined())
                + "</div>"
        }
    }

    private func figureHTML(_ canvas: Canvas, caption: String, format: FigureFormat) throws -> String {
        let picture: String
        switch format {
        case .svg: picture = try canvas.svg(standalone: false)
        case .png:
            picture = "<img alt=\"\(escapeXML(caption))\" width=\"\(canvas.width)\" height=\"\(canvas.height)\" "
                + "src=\"data:image/png;base64,\(try canvas.pngData().base64EncodedString())\">"
        }
        return "<figure>\(picture)" + (caption.isEmpty ? "" : "<figcaption>\(escapeXML(caption))</figcaption>") + "</figure>"
    }
}

/// One entry of an index page: a report's title, its path relative to the index, and an optional summary line.
public struct ReportLink: Sendable, Equatable {
    public var title: String
    public var path: String
    public var summary: String?

    public init(title: String, path: String, summary: String? = nil) {
        self.title = title
        self.path = path
        self.summary = summary
    }
}

/// An index page linking several reports (the experiments of `perseus study`), with an optional results table.
public struct ReportIndex: Sendable {
    public var title: String
    public var links: [ReportLink]
    public var results: (header: [String], rows: [[String]])?

    public init(title: String, links: [ReportLink], results: (header: [String], rows: [[String]])? = nil) {
        self.title = title
        self.links = links
        self.results = results
    }

    public func html() -> String {
        var body = "<header><h1>\(escapeXML(title))</h1></header>\n<section>\n<h2>Reports</h2>\n<ul class=\"reports\">"
        for link in links {
            let href = link.path.split(separator: "/", omittingEmptySubsequences: false).map {
                $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? String($0)
            }.joined(separator: "/")
            body += "<li><a href=\"\(escapeXML(href))\">\(escapeXML(link.title))</a>"
            if let summary = link.summary { body += " <span class=\"summary\">\(escapeXML(summary))</span>" }
            body += "</li>"
        }
        body += "</ul>\n</section>\n"
        if let results {
            body += "<section>\n<h2>Results</h2>\n<table><thead><tr>" + results.header.map { "<th>\(escapeXML($0))</th>" }.joined()
                + "</tr></thead><tbody>" + results.rows.map { "<tr>" + $0.map { "<td>\(escapeXML($0))</td>" }.joined() + "</tr>" }.joined()
                + "</tbody></table>\n</section>\n"
        }
        return htmlDocument(title: title, body: body)
    }

    public func write(to url: URL) throws {
        try AtomicFile.write(Data(html().utf8), to: url)
    }
}

private func htmlDocument(title: String, body: String) -> String {
    """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>\(escapeXML(title))</title>
    <style>
    \(reportCSS)
    </style>
    </head>
    <body>
    \(body)<footer>Written by Perseus.</footer>
    </body>
    </html>

    """
}

private let reportCSS = """
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; max-width: 1200px; margin: 0 auto; padding: 1em 2em;
       color: #222; background: #fff; line-height: 1.45; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; }
h2 { font-size: 1.3em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; margin-top: 1.6em; }
.subtitle { color: #555; margin-top: 0; }
nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.4em 1.2em; }
a { color: #0072B2; }
table { border-collapse: collapse; margin: 0.6em 0; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.7em; text-align: left; vertical-align: top; }
thead th { background: #f3f3f3; }
table.kv th { background: #f7f7f7; font-weight: normal; color: #444; }
td { font-variant-numeric: tabular-nums; }
pre { background: #f7f7f7; border: 1px solid #e3e3e3; padding: 0.8em 1em; overflow-x: auto; font-size: 0.95em;
      font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
figure { margin: 1em 0; overflow-x: auto; }
figure svg, figure img { max-width: 100%; height: auto; display: block; }
.figure-row { display: flex; flex-wrap: wrap; gap: 0 1em; }
.figure-row figure { flex: 1 1 520px; min-width: 0; }
figcaption { color: #555; font-size: 0.95em; margin-top: 0.3em; }
.summary { color: #555; }
footer { margin-top: 3em; color: #888; font-size: 0.85em; }
"""
