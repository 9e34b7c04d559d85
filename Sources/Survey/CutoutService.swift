import Foundation

/// A cutout service and what is asked of it. Each request is one position, `scale` arcsec per pixel, a size in
/// pixels; the services differ in their parameters and answers (see ../shared/docs/surveys.md):
/// - SDSS SkyServer `getjpeg`: a colour JPEG (g, r, i as B, G, R, asinh stretch), `width` x `height` in 64...2048.
/// - DESI Legacy Surveys viewer `cutout.jpg` / `cutout.fits`: `layer`, `pixscale`, `size` (square), and for FITS
///   `bands` (a cube, one plane per band, the band order in the header).
/// - CDS hips2fits: any HiPS survey by id, `fov` in degrees, `width`/`height`, `projection`, `format`.
public struct CutoutService: Sendable, Equatable {
    public enum Format: String, Sendable, CaseIterable {
        case jpg, png, fits
    }

    public enum Survey: Sendable, Equatable {
        case sdss
        /// A Legacy Surveys layer (`ls-dr10`, `ls-dr9-north`, ...); `bands` are the FITS cube's planes (`grz`).
        case legacy(layer: String, bands: [String], format: Format)
        /// A HiPS id (`CDS/P/PanSTARRS/DR1/r`) and the projection (`TAN`).
        case hips(id: String, projection: String, format: Format)
    }

    public static let sdssDR16 = URL(string: "https://skyserver.sdss.org/dr16/SkyServerWS/ImgCutout/getjpeg")!
    /// The viewer; requests go to `<viewer>/cutout.jpg` or `<viewer>/cutout.fits`.
    public static let legacyViewer = URL(string: "https://www.legacysurvey.org/viewer")!
    public static let hips2fits = URL(string: "https://alasky.cds.unistra.fr/hips-image-services/hips2fits")!
    /// The sizes SkyServer accepts, per side.
    public static let sizes = 64...2048
    /// A sanity bound for the services whose limits are their own to state (their refusal is reported).
    public static let otherSizes = 8...4096

    public var survey: Survey
    /// The service's address; tests point it at a local server.
    public var endpoint: URL

    /// SkyServer's getjpeg (at `endpoint`).
    public init(endpoint: URL = CutoutService.sdssDR16) {
        self.survey = .sdss
        self.endpoint = endpoint
    }

    public init(survey: Survey, endpoint: URL? = nil) throws {
        self.survey = survey
        switch survey {
        case .sdss: self.endpoint = endpoint ?? Self.sdssDR16
        case .legacy(let layer, let bands, let format):
            guard !layer.isEmpty else { throw FetchError("give the Legacy Surveys layer (--layer), e.g. ls-dr10") }
            guard format != .png else { throw FetchError("the Legacy Surveys viewer cuts jpg or fits, not png") }
            if format == .fits {
                guard !bands.isEmpty, bands.allSatisfy({ $0.count == 1 }), Set(bands).count == bands.count else {
                    throw FetchError("--bands '\(bands.joined())' must be distinct one-letter bands, e.g. grz")
                }
            }
            self.endpoint = endpoint ?? Self.legacyViewer
        case .hips(let id, let projection, _):
            guard !id.isEmpty, !id.contains(where: { $0.isWhitespace }) else {
                throw FetchError("give a HiPS id (--hips), e.g. CDS/P/PanSTARRS/DR1/r, not '\(id)'")
            }
            guard !projection.isEmpty else { throw FetchError("give a projection, e.g. TAN") }
            self.endpoint = endpoint ?? Self.hips2fits
        }
    }

    public var format: Format {
        switch survey {
        case .sdss: return .jpg
        case .legacy(_, _, let format), .hips(_, _, let format): return format
        }
    }

    /// The sizes (pixels per side) a request may ask for.
    public var sizes: ClosedRange<Int> { survey == .sdss ? Self.sizes : Self.otherSizes }

    /// The bands of a FITS answer's planes, in order, when the request fixes them (Legacy Surveys FITS).
    public var bands: [String]? {
        if case .legacy(_, let bands, .fits) = survey { return bands }
        return nil
    }

    /// The request for one cutout. Positions keep every digit the catalogue gave (shortest round-trip form).
    public func url(ra: Double, dec: Double, scale: Double, width: Int, height: Int) -> URL {
        let base: URL, items: [URLQueryItem]
        switch survey {
        case .sdss:
            base = endpoint
            items = [.init(name: "ra", value: "\(ra)"), .init(name: "dec", value: "\(dec)"), .init(name: "scale", value: "\(scale)"),
                     .init(name: "width", value: "\(width)"), .init(name: "height", value: "\(height)")]
        case .legacy(let layer, let bands, let format):
            base = endpoint.appendingPathComponent("cutout.\(format.rawValue)")
            items = [.init(name: "ra", value: "\(ra)"), .init(name: "dec", value: "\(dec)"), .init(name: "layer", value: layer),
                     .init(name: "pixscale", value: "\(scale)"), .init(name: "size", value: "\(width)")]
                + (format == .fits ? [.init(name: "bands", value: bands.joined())] : [])
        case .hips(let id, let projection, let format):
            base = endpoint
            // fov is the image's width in degrees.
            items = [.init(name: "hips", value: id), .init(name: "ra", value: "\(ra)"), .init(name: "dec", value: "\(dec)"),
                     .init(name: "fov", value: "\(Double(width) * scale / 3600)"),
                     .init(name: "width", value: "\(width)"), .init(name: "height", value: "\(height)"),
                     .init(name: "projection", value: projection), .init(name: "coordsys", value: "icrs"),
                     .init(name: "format", value: format.rawValue)]
        }
        var parts = URLComponents(url: base, resolvingAgainstBaseURL: false)!
        parts.queryItems = (parts.queryItems ?? []) + items
        // A HiPS id's slashes are fine in a query; `+` is not (it would read as a space).
        parts.percentEncodedQuery = parts.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        return parts.url!
    }

    public func url(for cutout: Cutout) -> URL {
        url(ra: cutout.ra, dec: cutout.dec, scale: cutout.scale, width: cutout.width, height: cutout.height)
    }
}
