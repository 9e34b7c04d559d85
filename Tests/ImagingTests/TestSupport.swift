import Foundation
import Imaging

/// `../shared/data/perseus` beside the repository (or `PERSEUS_DATA`), when present.
enum PerseusData {
    static let root: URL? = {
        if let env = ProcessInfo.processInfo.environment["PERSEUS_DATA"] {
            return URL(fileURLWithPath: env)
        }
        // Tests/ImagingTests/<file> -> package root -> ../shared/data/perseus
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return package.deletingLastPathComponent().appendingPathComponent("shared/data/perseus")
    }()
    static var available: Bool {
        guard let root else { return false }
        return FileManager.default.fileExists(atPath: root.appendingPathComponent("pcc/cutouts").path)
    }
    static func url(_ relative: String) -> URL { root!.appendingPathComponent(relative) }
    static func files(in relative: String, ext: String) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: url(relative), includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == ext }.sorted { $0.path < $1.path }
    }
}

/// A fresh temporary folder, removed by the caller's `defer`.
func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("perseus-imaging-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A smooth, asymmetric test picture: gradients plus a blob, different per channel, values within 0...1.
func testPattern(width: Int, height: Int, channels: Int) -> Image {
    var image = Image(width: width, height: height, channels: channels)
    for c in 0..<channels {
        for y in 0..<height {
            for x in 0..<width {
                let fx = Float(x) / Float(max(width - 1, 1)), fy = Float(y) / Float(max(height - 1, 1))
                let dx = fx - 0.3 - 0.1 * Float(c), dy = fy - 0.6
                let blob = exp(-(dx * dx + dy * dy) * 20)
                image[c, y, x] = min(1, max(0, 0.15 + 0.3 * fx * Float(c + 1) / Float(channels) + 0.2 * fy + 0.4 * blob))
            }
        }
    }
    return image
}

func maxAbsDifference(_ a: Image, _ b: Image) -> Float {
    zip(a.pixels, b.pixels).map { abs($0 - $1) }.max() ?? 0
}
