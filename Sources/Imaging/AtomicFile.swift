import Foundation

/// Writes files so that a reader never sees half of one: the bytes go to a temporary file in the same folder
/// (so the rename stays on one file system), which then replaces the destination in one `rename`.
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(
            ".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        do {
            try data.write(to: temporary)
        } catch {
            throw ImageError(.writeFailed, url.path, "cannot write \(temporary.lastPathComponent): \(error.localizedDescription)")
        }
        if rename(temporary.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw ImageError(.writeFailed, url.path, "cannot move the temporary file into place: \(reason)")
        }
    }
}
