import Foundation

/// The SDSS SkyServer ImgCutout service (`getjpeg`): a colour JPEG (g, r, i mapped to B, G, R with the asinh
/// stretch) centred on a position, `scale` arcsec per pixel, `width` x `height` pixels in 64...2048.
public struct CutoutService: Sendable, Equatable {
    public static let sdssDR16 = URL(string: "https://skyserver.sdss.org/dr16/SkyServerWS/ImgCutout/getjpeg")!
    /// The sizes the service accepts, per side.
    public static let sizes = 64...2048

    /// The `getjpeg` address; tests point it at a local server.
    public var endpoint: URL

    public init(endpoint: URL = CutoutService.sdssDR16) {
        self.endpoint = endpoint
    }

    /// The request for one cutout. Positions keep every digit the catalogue gave (shortest round-trip form).
    public func url(ra: Double, dec: Double, scale: Double, width: Int, height: Int) -> URL {
        var parts = URLComponents(url: endpoint, resolvingAgainstBaseURL: false)!
        parts.queryItems = (parts.queryItems ?? []) + [
            URLQueryItem(name: "ra", value: "\(ra)"), URLQueryItem(name: "dec", value: "\(dec)"),
            URLQueryItem(name: "scale", value: "\(scale)"),
            URLQueryItem(name: "width", value: "\(width)"), URLQueryItem(name: "height", value: "\(height)"),
        ]
        return parts.url!
    }

    public func url(for cutout: Cutout) -> URL {
        url(ra: cutout.ra, dec: cutout.dec, scale: cutout.scale, width: cutout.width, height: cutout.height)
    }
}
