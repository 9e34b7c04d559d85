import Astro
import Foundation

/// One cutout to fetch: where on the sky, how big, and the file it goes to (`<folder>/<id>.jpg`, `.fits`, `.png`).
public struct Cutout: Sendable, Equatable {
    public var id: String
    public var ra: Double
    public var dec: Double
    public var width: Int
    public var height: Int
    /// Arcsec per pixel.
    public var scale: Double
    public var file: URL

    public init(id: String, ra: Double, dec: Double, width: Int, height: Int, scale: Double, file: URL) {
        self.id = id
        self.ra = ra
        self.dec = dec
        self.width = width
        self.height = height
        self.scale = scale
        self.file = file
    }

    /// Turns a catalogue's objects into cutouts of `size` pixels in `folder`, and, when `wide` is given, a second
    /// `wide`-pixel cutout at the same scale in `wideFolder` (the layout of `cutouts` and `cutouts-400`).
    /// Throws for sizes the service refuses, a scale that is not positive, or two objects that would share a file.
    /// Files are named for the service's format.
    public static func plan(_ objects: [CatalogObject], folder: URL, size: Int, scale: Double,
                            wide: Int? = nil, wideFolder: URL? = nil, service: CutoutService = CutoutService()) throws -> [Cutout] {
        for s in [size] + (wide.map { [$0] } ?? []) where !service.sizes.contains(s) {
            throw FetchError("cutout size \(s) px is outside the service's \(service.sizes) px")
        }
        guard scale > 0, scale.isFinite else { throw FetchError("scale must be a positive number of arcsec/px, not \(scale)") }
        var seen: [String: Int] = [:]
        var cutouts: [Cutout] = []
        for object in objects {
            let name = fileName(for: object.id, extension: service.format.rawValue)
            if let line = seen[name] {
                throw FetchError("objects on lines \(line) and \(object.line) both map to the file \(name)")
            }
            seen[name] = object.line
            cutouts.append(Cutout(id: object.id, ra: object.ra, dec: object.dec, width: size, height: size,
                                  scale: scale, file: folder.appendingPathComponent(name)))
            if let wide {
                let wideFolder = wideFolder ?? defaultWideFolder(folder, size: wide)
                cutouts.append(Cutout(id: object.id, ra: object.ra, dec: object.dec, width: wide, height: wide,
                                      scale: scale, file: wideFolder.appendingPathComponent(name)))
            }
        }
        return cutouts
    }

    /// `DIR-400` beside `DIR`, as the shared data lay out `cutouts` and `cutouts-400`.
    public static func defaultWideFolder(_ folder: URL, size: Int) -> URL {
        let base = folder.standardizedFileURL
        return base.deletingLastPathComponent().appendingPathComponent("\(base.lastPathComponent)-\(size)")
    }

    /// `<id>.jpg` (or another extension), with anything that is not safe in a file name (a slash, a space)
    /// replaced by `_`.
    public static func fileName(for id: String, extension ext: String = "jpg") -> String {
        let safe = id.unicodeScalars.map { s -> Character in
            let ok = (s.isASCII && (CharacterSet.alphanumerics.contains(s) || "-_.+".unicodeScalars.contains(s)))
            return ok ? Character(s) : "_"
        }
        var name = String(safe)
        if name.hasPrefix(".") { name = "_" + name.dropFirst() }
        return name + "." + ext
    }
}

/// A fetch that cannot start (bad options, unreadable catalogue, folder that cannot be made).
public struct FetchError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
