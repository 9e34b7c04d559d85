import Foundation
import Imaging

/// Refuses FITS cutouts whose bands differ (a Legacy Surveys g,r,z cube beside an HSC g,r,i,z,y one): a network
/// takes one band per input channel, so mixing them would feed one band where another was learnt, or fail later
/// on a channel count. Bands are compared by the names the header records (`BAND0`.., `BANDS`, `FILTERS`), else
/// by the number of planes. JPEG and PNG cutouts are colour images by nature and are not compared.
func checkSameBands(_ images: [URL]) throws {
    var first: (url: URL, names: [String]?, planes: Int)?
    for url in images {
        guard let bands = try fitsBands(url) else { continue }
        guard let reference = first else { first = (url, bands.names, bands.planes); continue }
        let same = (reference.names != nil && bands.names != nil) ? reference.names == bands.names : reference.planes == bands.planes
        if !same {
            func described(_ names: [String]?, _ planes: Int) -> String {
                names.map { "bands \($0.joined(separator: ","))" } ?? "\(planes) planes without band names"
            }
            throw ConfigurationError(message: "the cutouts differ in their bands: \(reference.url.path) has \(described(reference.names, reference.planes)) "
                                     + "but \(url.path) has \(described(bands.names, bands.planes)); a dataset needs the same bands in the same order in every cutout "
                                     + "(fetch them again with the same --bands, or keep each survey's cutouts in a folder of its own)")
        }
    }
}

/// The band names and plane count of a FITS file; nil for other formats. Only the header is read when it names
/// the bands.
private func fitsBands(_ url: URL) throws -> (names: [String]?, planes: Int)? {
    guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }  // a missing file is reported elsewhere
    defer { try? handle.close() }
    let head = (try? handle.read(upToCount: 2880 * 36)) ?? Data()
    guard ImageFormat.sniff(head.prefix(16)) == .fits else { return nil }
    if let names = FITSHeader.bandNames(head) { return (names, names.count) }
    return (nil, try Image(contentsOf: url).channels)
}
