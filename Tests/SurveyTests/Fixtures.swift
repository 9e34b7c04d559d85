import Foundation
import Imaging
@testable import Survey

/// Real JPEG bytes of a generated galaxy-like blob, encoded by Imaging, in the size a request asks for.
func cutoutJPEG(width: Int, height: Int) -> Data {
    var image = Image(width: width, height: height, channels: 3)
    for c in 0..<3 {
        for y in 0..<height {
            for x in 0..<width {
                let dx = Float(x - width / 2), dy = Float(y - height / 2)
                image[c, y, x] = 0.1 + 0.8 * exp(-(dx * dx + dy * dy) / Float(40 + 30 * c))
            }
        }
    }
    return try! image.jpegData(quality: 90)
}

/// What SkyServer would answer: a JPEG of the requested size.
func serviceReply(_ request: LocalServer.Request) -> LocalServer.Reply {
    let width = Int(request.query["width"] ?? "") ?? 64, height = Int(request.query["height"] ?? "") ?? 64
    return .ok(cutoutJPEG(width: width, height: height), contentType: "image/jpeg")
}

/// A fresh empty folder under the temporary directory.
func scratchFolder(_ name: String = #function) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("perseus-fetch-\(name.filter(\.isLetter))-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// `count` cutouts of 64x64 px around the Perseus cluster, `PCC-0001`...
func cutouts(_ count: Int, in folder: URL, size: Int = 64) -> [Cutout] {
    (1...count).map { i in
        let id = String(format: "PCC-%04d", i)
        return Cutout(id: id, ra: 49.9 + Double(i) * 0.001, dec: 41.5, width: size, height: size, scale: 0.1,
                      file: folder.appendingPathComponent("\(id).jpg"))
    }
}

/// A policy quick enough for tests: short backoff, a generous rate unless a test is about the rate.
func testPolicy(concurrency: Int = 4, rate: Double = 200, retries: Int = 3, timeout: TimeInterval = 5) -> FetchPolicy {
    FetchPolicy(concurrency: concurrency, requestsPerSecond: rate, retries: retries, timeout: timeout,
                backoffBase: 0.02, backoffCap: 0.2)
}

func decodes(_ url: URL) -> Bool { (try? Image(contentsOf: url)) != nil }

func folderNames(_ folder: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
}
