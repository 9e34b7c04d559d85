import Files
import Foundation
import Imaging

extension SyntheticField {
    /// Writes the field as a folder a user could have made from the real survey: `cutouts/<name>.<ext>` and
    /// `catalogue.csv` with one row per object:
    /// `name,ra,dec,file,class,label,type,modelMag_r,g_r,g_z,r_i,red_artefact` (`file` relative to `folder`,
    /// `type` GALAXY or STAR as SDSS spells it). Every file is written atomically. Returns the objects written.
    @discardableResult
    public func write(to folder: URL, format: ImageFormat = .png) throws -> [SyntheticObject] {
        let ext: String
        switch format {
        case .png: ext = "png"
        case .jpeg: ext = "jpg"
        case .fits: throw ImageError(.unsupported, folder.path, "synthetic cutouts are written as PNG or JPEG")
        }
        let cutouts = folder.appendingPathComponent("cutouts")
        do {
            try FileManager.default.createDirectory(at: cutouts, withIntermediateDirectories: true)
        } catch {
            throw ImageError(.writeFailed, cutouts.path, "cannot create the folder: \(error.localizedDescription)")
        }
        let objects = generate()
        var csv = "name,ra,dec,file,class,label,type,modelMag_r,g_r,g_z,r_i,red_artefact\n"
        for (index, object) in objects.enumerated() {
            // Positions on a 30" grid around the Perseus cluster centre, so the catalogue cross-matches like a real one.
            let ra = 49.9467 + Double(index % 100) * 30 / 3600, dec = 41.5131 + Double(index / 100) * 30 / 3600
            let file = "cutouts/\(object.name).\(ext)"
            try object.image.write(to: folder.appendingPathComponent(file), format: format)
            let type = object.kind == .star ? "STAR" : "GALAXY"
            csv += [object.name, String(format: "%.6f", ra), String(format: "%.6f", dec), file, "\"\(object.className)\"", String(object.label), type,
                    String(format: "%.4f", object.rMagnitude), String(format: "%.4f", object.gMinusR),
                    String(format: "%.4f", object.gMinusZ), String(format: "%.4f", object.rMinusI),
                    object.hasRedArtefact ? "1" : "0"].joined(separator: ",") + "\n"
        }
        try AtomicFile.write(Data(csv.utf8), to: folder.appendingPathComponent("catalogue.csv"))
        return objects
    }
}
