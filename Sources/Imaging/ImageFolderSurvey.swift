import Foundation

/// A first look at a folder of images: every file decoded once, with the formats (sniffed from the bytes) and
/// sizes found, and every failure with its reason. Backs `perseus inspect images`.
public struct ImageFolderSurvey: Sendable {
    public struct Entry: Sendable {
        public let file: URL
        /// The format the bytes announce (nil when they announce none).
        public let format: ImageFormat?
        /// The decoded image's width x height x channels, or the error.
        public let result: Result<ImageShape, ImageError>
    }

    public struct ImageShape: Hashable, Sendable, CustomStringConvertible, Comparable {
        public let width: Int, height: Int, channels: Int
        public var description: String { "\(width)x\(height)x\(channels)" }
        public static func < (a: ImageShape, b: ImageShape) -> Bool {
            (a.width, a.height, a.channels) < (b.width, b.height, b.channels)
        }
    }

    public let folder: URL
    public let entries: [Entry]

    /// Decodes every regular, non-hidden file in `folder` (and its subfolders when `recursive`), in name order.
    public init(folder: URL, recursive: Bool = false) throws {
        self.folder = folder
        let files = try ImageFolderIndex(folder: folder, recursive: recursive).files
        entries = files.map { file in
            let data: Data
            do { data = try Data(contentsOf: file) } catch {
                return Entry(file: file, format: nil,
                             result: .failure(ImageError(.unreadable, file.path, "cannot read the file: \(error.localizedDescription)")))
            }
            let format = ImageFormat.sniff(data)
            do {
                let image = try Image(decoding: data, name: file.path)
                return Entry(file: file, format: format,
                             result: .success(ImageShape(width: image.width, height: image.height, channels: image.channels)))
            } catch let error as ImageError {
                return Entry(file: file, format: format, result: .failure(error))
            } catch {
                return Entry(file: file, format: format, result: .failure(ImageError(.corrupt, file.path, "\(error)")))
            }
        }
    }

    public var decodedCount: Int { entries.filter { if case .success = $0.result { true } else { false } }.count }
    public var failures: [(file: URL, error: ImageError)] {
        entries.compactMap { if case .failure(let e) = $0.result { ($0.file, e) } else { nil } }
    }
    /// Decoded files per sniffed format.
    public var formatCounts: [ImageFormat: Int] {
        entries.reduce(into: [:]) { counts, e in
            if case .success = e.result, let f = e.format { counts[f, default: 0] += 1 }
        }
    }
    /// Decoded files per size.
    public var shapeCounts: [ImageShape: Int] {
        entries.reduce(into: [:]) { counts, e in if case .success(let s) = e.result { counts[s, default: 0] += 1 } }
    }
    /// Decoded files whose extension names another format than their bytes (e.g. a JPEG called `.png`).
    public var misnamed: [(file: URL, format: ImageFormat)] {
        entries.compactMap { e in
            guard case .success = e.result, let f = e.format else { return nil }
            let ext = e.file.pathExtension.lowercased()
            let named: ImageFormat? = ["jpg": .jpeg, "jpeg": .jpeg, "png": .png, "fits": .fits, "fit": .fits, "fts": .fits][ext]
            return named != nil && named != f ? (e.file, f) : nil
        }
    }
}
