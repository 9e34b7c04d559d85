import Dataset
import Foundation
import Imaging

/// Every readable cutout (JPEG, PNG or FITS, by content) in a folder as an unlabelled object named after its file.
func imageFolderObjects(_ folder: URL) throws -> [PreparedObject] {
    let names: [String]
    do { names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() } catch {
        throw ImageError(.unreadable, folder.path, "cannot list the folder: \(error.localizedDescription)")
    }
    var objects: [PreparedObject] = []
    for name in names where !name.hasPrefix(".") {
        let url = folder.appendingPathComponent(name)
        guard (try? Data(contentsOf: url, options: .mappedIfSafe)).flatMap({ ImageFormat.sniff($0.prefix(16)) }) != nil else { continue }
        objects.append(PreparedObject(id: url.deletingPathExtension().lastPathComponent, source: "images",
                                      ra: .nan, dec: .nan, label: 0, split: .holdout, image: url))
    }
    return objects
}
