// Fixed data for the plot tests, and checks that a file is valid SVG or PNG.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Imaging
import Testing
@testable import Evaluation
@testable import Report
import SeededRandom


/// A small fake field: members on the red sequence, background spread over the diagram, some predictions wrong.
struct Field {
    var r: [Double] = [], ug: [Double] = [], gr: [Double] = [], ri: [Double] = [], gz: [Double] = []
    var truth: [Int] = [], predicted: [Int] = [], probability: [Double] = []

    init(count: Int = 240, seed: UInt64 = 1) {
        var rng = SeededGenerator(seed: seed)
        for i in 0..<count {
            let member = i % 2 == 0
            let m = 14 + 5 * rng.uniform()
            let red = member || rng.uniform() < 0.5
            let colour = red ? 1.45 - 0.04 * (m - 17) + 0.05 * rng.normal() : 0.8 + 0.2 * rng.normal()
            r.append(m); gz.append(colour)
            gr.append(colour * 0.55 + 0.03 * rng.normal()); ug.append(colour * 1.2 + 0.1 * rng.normal())
            ri.append(colour * 0.3 + 0.03 * rng.normal())
            truth.append(member ? 1 : 0)
            let p = min(0.99, max(0.01, (member ? 0.75 : 0.3) + 0.25 * rng.normal()))
            probability.append(p)
            predicted.append(p >= 0.5 ? 1 : 0)
        }
    }
}

/// Parses `svg` with Foundation's XML parser and returns the element names it saw, or the parser's error.
func parseSVG(_ svg: String) -> (elements: [String], error: String?) {
    final class Collector: NSObject, XMLParserDelegate {
        var elements: [String] = []
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            elements.append(name)
        }
    }
    let parser = XMLParser(data: Data(svg.utf8))
    let collector = Collector()
    parser.delegate = collector
    let ok = parser.parse()
    return (collector.elements, ok ? nil : (parser.parserError.map { "\($0)" } ?? "parse failed"))
}

/// Checks the PNG signature and IHDR chunk, and returns (width, height, bit depth, colour type).
func pngHeader(_ data: Data) -> (width: Int, height: Int, bitDepth: Int, colourType: Int)? {
    let bytes = [UInt8](data)
    guard bytes.count > 33, bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A],
          bytes[8..<12] == [0, 0, 0, 13], String(decoding: bytes[12..<16], as: UTF8.self) == "IHDR" else { return nil }
    func u32(_ i: Int) -> Int { bytes[i..<(i + 4)].reduce(0) { $0 << 8 | Int($1) } }
    return (u32(16), u32(20), Int(bytes[24]), Int(bytes[25]))
}

/// Renders `canvas` both ways and checks the SVG parses and the PNG has the canvas's size; writes both to the test
/// output folder for a look.
func checkRenders(_ canvas: Canvas, name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let svg = try canvas.svg()
    let parsed = parseSVG(svg)
    #expect(parsed.error == nil, "\(name).svg does not parse: \(parsed.error ?? "")", sourceLocation: sourceLocation)
    #expect(parsed.elements.first == "svg", sourceLocation: sourceLocation)
    #expect(svg.contains("width=\"\(canvas.width)\" height=\"\(canvas.height)\""), sourceLocation: sourceLocation)
    let png = try canvas.pngData(supersampling: 2)
    let header = try #require(pngHeader(png), "\(name).png has no PNG signature and IHDR", sourceLocation: sourceLocation)
    #expect(header.width == canvas.width && header.height == canvas.height, sourceLocation: sourceLocation)
    #expect(header.bitDepth == 8 && header.colourType == 2, sourceLocation: sourceLocation)
    let decoded = try Image(decoding: png, name: "\(name).png")
    #expect(decoded.width == canvas.width && decoded.height == canvas.height && decoded.channels == 3, sourceLocation: sourceLocation)
    #expect(decoded.pixels.contains { $0 < 0.5 }, "\(name).png is blank", sourceLocation: sourceLocation)
    let folder = testOutputFolder()
    try svg.write(to: folder.appendingPathComponent("\(name).svg"), atomically: true, encoding: .utf8)
    try png.write(to: folder.appendingPathComponent("\(name).png"))
}

/// Where tests leave their pictures: $PERSEUS_TEST_OUTPUT or a folder in the temporary directory.
func testOutputFolder() -> URL {
    let path = ProcessInfo.processInfo.environment["PERSEUS_TEST_OUTPUT"]
        ?? FileManager.default.temporaryDirectory.appendingPathComponent("perseus-test-output/report").path
    let url = URL(fileURLWithPath: path)
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
