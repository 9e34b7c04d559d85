import Foundation

/// The files of a folder of cutouts, listed once, in path order, and by name without extension (`PCC-0001.jpg` for
/// `PCC-0001`, `<objID>.png`), so that looking up thousands of objects does not touch the disk each time. The one
/// way a folder of images is listed: preparation matches catalogue ids to it, `inspect images` decodes its files,
/// and prediction over a bare folder takes the files whose bytes are an image.
public struct ImageFolderIndex: Sendable {
    public let folder: URL
    /// Every non-hidden file (not folder), in path order; with `recursive`, those of the subfolders too.
    public let files: [URL]
    private let byStem: [String: URL]

    public init(folder: URL, recursive: Bool = false) throws {
        self.folder = folder
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw ImageError(.unreadable, folder.path, "no such folder")
        }
        var found: [URL] = []
        if recursive {
            let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil, options: [.skipsHiddenFiles])
            while let url = walker?.nextObject() as? URL { found.append(url) }
        } else {
            do {
                found = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil,
                                                                    options: [.skipsHiddenFiles])
            } catch {
                throw ImageError(.unreadable, folder.path, "cannot list the folder: \(error.localizedDescription)")
            }
        }
        files = found.filter { url in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) && !isFolder.boolValue
        }.sorted { $0.path < $1.path }
        var map: [String: URL] = [:]
        for url in files { map[url.deletingPathExtension().lastPathComponent] = map[url.deletingPathExtension().lastPathComponent] ?? url }
        byStem = map
    }

    public var count: Int { files.count }

    /// The file named `stem` with any extension (the first in path order when several are).
    public func file(named stem: String) -> URL? { byStem[stem] }

    /// The files whose first bytes announce an image format (JPEG, PNG or FITS), whatever their names.
    public var imageFiles: [URL] {
        files.filter { url in
            guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
            defer { try? handle.close() }
            return (try? handle.read(upToCount: 16)).flatMap { ImageFormat.sniff($0) } != nil
        }
    }
}
