import Dataset
import Foundation

/// The study's inputs in a folder laid out like ../shared/data/perseus.
struct StudyDataLayout {
    let root: URL
    var catalog: URL { root.appendingPathComponent("pcc/PCC_cat.txt") }
    var photometry: URL { root.appendingPathComponent("pcc/sdss_crossmatch_bright.csv") }
    var spectra: URL { root.appendingPathComponent("spec/spec_search_45arcmin.csv") }
    var images: URL { root.appendingPathComponent("pcc/cutouts") }
    var wideImages: URL { root.appendingPathComponent("pcc/cutouts-400") }
    var spectraImages: URL { root.appendingPathComponent("spec/cutouts") }

    func check() throws {
        for url in [catalog, images] where !FileManager.default.fileExists(atPath: url.path) {
            throw CatalogDataError(description: "\(url.path) is missing: --data-root must be laid out like ../shared/data/perseus")
        }
    }

    /// Preparation options as the study had them: bright cut, red-artefact cut, spectroscopic objects held out.
    func options(seed: UInt64) -> PreparationOptions {
        var options = PreparationOptions(catalog: catalog, images: images, seed: seed)
        let fm = FileManager.default
        options.photometry = fm.fileExists(atPath: photometry.path) ? photometry : nil
        options.spectra = fm.fileExists(atPath: spectra.path) ? spectra : nil
        options.wideImages = fm.fileExists(atPath: wideImages.path) ? wideImages : nil
        options.spectraImages = fm.fileExists(atPath: spectraImages.path) ? spectraImages : nil
        return options
    }
}

struct CatalogDataError: Error, CustomStringConvertible { let description: String }

/// The study's bright PCC objects, cleaned and split, with the spectroscopic objects held out.
func prepareStudyData(root: URL, seed: UInt64) throws -> Preparation {
    let layout = StudyDataLayout(root: root)
    try layout.check()
    return try prepare(layout.options(seed: seed))
}
