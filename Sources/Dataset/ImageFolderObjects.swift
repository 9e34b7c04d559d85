import Foundation
import Imaging

/// Every readable cutout (JPEG, PNG or FITS, by content) in a folder as an unlabelled object named after its file.
public func imageFolderObjects(_ folder: URL) throws -> [PreparedObject] {
    try ImageFolderIndex(folder: folder).imageFiles.map { url in
        PreparedObject(id: url.deletingPathExtension().lastPathComponent, source: "images",
                       ra: .nan, dec: .nan, label: 0, split: .holdout, image: url)
    }
}
