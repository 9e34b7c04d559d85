import Foundation
import Imaging

extension CutoutService {
    /// Judges an answer (or a file already on disk) for `cutout` and returns the bytes to keep: it must decode at
    /// the size asked for, hold something (a blank plane means the field is outside the survey's footprint), and, as
    /// FITS, hold the bands asked for in order. A FITS answer whose header does not name its bands gets `BAND0`,
    /// `BAND1`, ... cards (the viewer's own convention) so the band order travels with the file.
    public func accept(_ data: Data, for cutout: Cutout) throws(AttemptFailure) -> Data {
        let image: Image
        do {
            image = try Image(decoding: data, name: cutout.id)
        } catch let error as ImageError {
            if error.kind == .unknownFormat {  // an error page: keep what it says
                throw .invalid(ImageError(.unknownFormat, cutout.id,
                                          "not an image (\(data.count) bytes): \(AttemptFailure.snippet(data))"))
            }
            throw .invalid(error)
        } catch {
            throw .invalid(ImageError(.corrupt, cutout.id, "\(error)"))
        }
        guard image.width == cutout.width, image.height == cutout.height else {
            throw .wrongSize(expected: "\(cutout.width)x\(cutout.height)", got: "\(image.width)x\(image.height)")
        }
        let isFITS = ImageFormat.sniff(data.prefix(16)) == .fits
        guard isFITS else {
            if Self.blankPlanes(image).count == image.channels { throw .noCoverage("the image is blank (every pixel the same)") }
            return data
        }
        let named = FITSHeader.bandNames(data)
        if let named, named.count != image.channels {
            throw .wrongBands("the header names \(named.count) bands (\(named.joined(separator: ","))) for \(image.channels) planes")
        }
        let expected = bands ?? (named == nil ? expectedHiPSBands : nil)
        if let expected, (named ?? expected).count != expected.count || (named != nil && named! != expected) {
            let got = named.map { $0.joined(separator: ",") } ?? "\(image.channels) unnamed planes"
            if let named, named.count < expected.count, Set(named).isSubset(of: expected) {
                let missing = expected.filter { !named.contains($0) }
                throw .noCoverage("no \(missing.joined(separator: ",")) plane\(missing.count == 1 ? "" : "s"): the answer has \(got) of \(expected.joined(separator: ","))")
            }
            throw .wrongBands("asked for \(expected.joined(separator: ",")), got \(got)")
        }
        if named == nil, let expected, expected.count != image.channels {
            throw .wrongBands("asked for \(expected.joined(separator: ",")) (\(expected.count) planes), got \(image.channels) planes")
        }
        let names = named ?? expected ?? (1...image.channels).map { "plane \($0)" }
        let blank = Self.blankPlanes(image)
        if !blank.isEmpty {
            let which = blank.count == image.channels ? "every plane is blank" : "blank " + blank.map { names[$0] }.joined(separator: ",")
            throw .noCoverage("\(which) (outside the survey's footprint, or in a gap)")
        }
        guard named == nil, let expected else { return data }
        do {
            return try FITSHeader.adding(expected.enumerated().map { ("BAND\($0.offset)", $0.element) }, to: data)
        } catch {
            throw .invalid(ImageError(.corrupt, cutout.id, "cannot record the band order in the header: \(error)"))
        }
    }

    /// A HiPS FITS answer has one plane, named after the id's last part (`CDS/P/PanSTARRS/DR1/r` -> r); a colour
    /// HiPS (`.../color...`) three.
    var expectedHiPSBands: [String]? {
        guard case .hips(let id, _, .fits) = survey else { return nil }
        let last = String(id.split(separator: "/").last ?? Substring(id))
        return last.lowercased().contains("color") ? ["R", "G", "B"] : [last]
    }

    /// Planes whose pixels are all equal (FITS NaN reads as 0): what a service sends outside its footprint.
    static func blankPlanes(_ image: Image) -> [Int] {
        let plane = image.width * image.height
        return (0..<image.channels).filter { c in
            let values = image.pixels[(c * plane)..<((c + 1) * plane)]
            guard let first = values.first else { return true }
            return values.allSatisfy { $0 == first }
        }
    }
}
