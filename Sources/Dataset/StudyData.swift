import Foundation

/// The study's inputs in a folder laid out like ../shared/data/perseus.
public struct StudyDataLayout: Sendable {
    public let root: URL

    public init(root: URL) { self.root = root }

    public var catalog: URL { root.appendingPathComponent("pcc/PCC_cat.txt") }
    public var photometry: URL { root.appendingPathComponent("pcc/sdss_crossmatch_bright.csv") }
    public var spectra: URL { root.appendingPathComponent("spec/spec_search_45arcmin.csv") }
    public var images: URL { root.appendingPathComponent("pcc/cutouts") }
    public var wideImages: URL { root.appendingPathComponent("pcc/cutouts-400") }
    public var spectraImages: URL { root.appendingPathComponent("spec/cutouts") }

    public func check() throws {
        for url in [catalog, images] where !FileManager.default.fileExists(atPath: url.path) {
            throw CatalogDataError(description: "\(url.path) is missing: --data-root must be laid out like ../shared/data/perseus")
        }
    }

    /// Preparation options as the study had them: bright cut, red-artefact cut, spectroscopic objects held out.
    public func options(seed: UInt64) -> PreparationOptions {
        var options = PreparationOptions(catalog: catalog, images: images, seed: seed)
        let fm = FileManager.default
        options.photometry = fm.fileExists(atPath: photometry.path) ? photometry : nil
        options.spectra = fm.fileExists(atPath: spectra.path) ? spectra : nil
        options.wideImages = fm.fileExists(atPath: wideImages.path) ? wideImages : nil
        options.spectraImages = fm.fileExists(atPath: spectraImages.path) ? spectraImages : nil
        return options
    }
}

public struct CatalogDataError: Error, CustomStringConvertible { public let description: String }

/// The study's bright PCC objects, cleaned and split, with the spectroscopic objects held out.
public func prepareStudyData(root: URL, seed: UInt64) throws -> Preparation {
    let layout = StudyDataLayout(root: root)
    try layout.check()
    return try prepare(layout.options(seed: seed))
}
