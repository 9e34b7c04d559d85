import Foundation
import Imaging
@testable import Survey

/// What the Legacy Surveys viewer and CDS hips2fits answer, as ../shared/docs/surveys.md describes them, for the
/// local server. Nothing here reaches the internet: the live services were never asked.
enum SurveyMock {
    /// A `bands`-plane cube of a blob over sky, in physical-looking units, as FITS (`BAND0`.. cards when `named`).
    static func cube(size: Int, bands: [String], named: Bool = true, blank: Set<String> = []) -> Data {
        var image = Image(width: size, height: size, channels: bands.count)
        for (c, band) in bands.enumerated() where !blank.contains(band) {
            for y in 0..<size {
                for x in 0..<size {
                    let dx = Float(x - size / 2), dy = Float(y - size / 2)
                    image[c, y, x] = 0.02 * Float(c + 1) + 3 * exp(-(dx * dx + dy * dy) / 30)
                }
            }
        }
        let cards = named ? bands.enumerated().map { ("BAND\($0.offset)", $0.element) } : []
        return try! image.fitsData(keywords: [("SURVEY", "mock")] + cards)
    }

    /// The viewer: `/viewer/cutout.fits?ra&dec&layer&pixscale&size&bands` answers a cube, `/viewer/cutout.jpg` a
    /// JPEG. South of Dec 0 is outside the mock footprint (blank planes, as the viewer answers there); `missing`
    /// bands are left out of the cube (a field with partial coverage).
    static func legacy(_ request: LocalServer.Request, missing: Set<String> = [], named: Bool = true) -> LocalServer.Reply {
        let size = Int(request.query["size"] ?? "") ?? 0
        guard size > 0, request.query["layer"] != nil, request.query["pixscale"] != nil else {
            return .status(400, headers: [:], body: Data("size, layer and pixscale are required".utf8))
        }
        let outside = (Double(request.query["dec"] ?? "") ?? 0) < 0
        switch request.path {
        case "/viewer/cutout.fits":
            let bands = (request.query["bands"] ?? "grz").map(String.init).filter { !missing.contains($0) }
            return .ok(cube(size: size, bands: bands, named: named, blank: outside ? Set(bands) : []), contentType: "application/fits")
        case "/viewer/cutout.jpg":
            return .ok(outside ? try! Image(width: size, height: size, channels: 3).jpegData(quality: 90)
                               : cutoutJPEG(width: size, height: size), contentType: "image/jpeg")
        default:
            return .status(404, headers: [:], body: Data("<html><body>Not Found</body></html>".utf8))
        }
    }

    static let knownHiPS: Set<String> = ["CDS/P/PanSTARRS/DR1/r", "CDS/P/PanSTARRS/DR1/g", "CDS/P/DSS2/color"]

    /// hips2fits: a one-plane FITS (WCS cards, no band names) or a JPEG/PNG of `width` x `height`; an id it does
    /// not know gets a 400 with its reason in the body.
    static func hips(_ request: LocalServer.Request) -> LocalServer.Reply {
        guard request.path == "/hips-image-services/hips2fits" else { return .status(404, headers: [:], body: Data()) }
        let id = request.query["hips"] ?? ""
        guard knownHiPS.contains(id) else {
            return .status(400, headers: [:], body: Data("Error: HiPS '\(id)' is not a known HiPS identifier".utf8))
        }
        let width = Int(request.query["width"] ?? "") ?? 0, height = Int(request.query["height"] ?? "") ?? 0
        guard width > 0, height > 0, request.query["fov"].flatMap(Double.init) != nil else {
            return .status(400, headers: [:], body: Data("width, height and fov are required".utf8))
        }
        switch request.query["format"] {
        case "fits":
            var image = Image(width: width, height: height, channels: 1)
            for y in 0..<height { for x in 0..<width { image[0, y, x] = Float(x + y) } }
            let wcs = [("CTYPE1", "RA---\(request.query["projection"] ?? "TAN")"), ("RADESYS", "ICRS")]
            return .ok(try! image.fitsData(keywords: wcs), contentType: "application/fits")
        case "jpg": return .ok(cutoutJPEG(width: width, height: height), contentType: "image/jpeg")
        default: return .status(400, headers: [:], body: Data("format must be fits, jpg or png".utf8))
        }
    }
}

extension LocalServer {
    var legacyViewer: URL { URL(string: "http://127.0.0.1:\(port)/viewer")! }
    var hips2fits: URL { URL(string: "http://127.0.0.1:\(port)/hips-image-services/hips2fits")! }
}

/// `count` cutouts with the service's file extension, at `dec`.
func cutouts(_ count: Int, in folder: URL, size: Int = 64, dec: Double = 41.5, service: CutoutService) -> [Cutout] {
    (1...count).map { i in
        let id = String(format: "PCC-%04d", i)
        return Cutout(id: id, ra: 49.9 + Double(i) * 0.001, dec: dec, width: size, height: size, scale: 0.262,
                      file: folder.appendingPathComponent(Cutout.fileName(for: id, extension: service.format.rawValue)))
    }
}
