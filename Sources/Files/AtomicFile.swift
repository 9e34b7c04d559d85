import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The one way the project writes a file: readers (and a run killed at any moment) see either the old file or the
/// whole new one, never a part. The bytes go to a temporary file in the same folder (so the rename stays on one
/// file system), are flushed to disk, and the temporary then replaces the destination in one `rename`; the folder is
/// flushed too, so the rename itself survives a crash. On any failure the temporary is removed and the previous
/// file is left as it was.
public enum AtomicFile {
    /// Writes `data` to `url`, replacing any file there. Throws `FileWriteError` naming the file, the step that
    /// failed and the system's reason (a full disk, a read-only folder, ...).
    public static func write(_ data: Data, to url: URL) throws {
        let path = url.path
        let folder = url.deletingLastPathComponent().path
        // `.<name>.tmp-<pid>-<n>`: hidden, and recognisable as ours (`perseus fetch` removes stale ones).
        let temporary = "\(folder)/.\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fault = Self.fault?.claim(url)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileWriteError(path, "cannot create a temporary file in \(folder)", errno) }
        var finished = false
        defer { if !finished { unlink(temporary) } }
        let failure: Int32? = data.withUnsafeBytes { raw -> Int32? in
            let limit = fault.map { min($0.afterBytes, raw.count) } ?? raw.count
            var offset = 0
            while offset < limit {
                let n = Glibc.write(fd, raw.baseAddress! + offset, limit - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += n
            }
            return fault?.code
        }
        if let failure {
            close(fd)
            throw FileWriteError(path, "writing failed after part of \(data.count) bytes", failure)
        }
        guard fsync(fd) == 0 else {
            let code = errno
            close(fd)
            throw FileWriteError(path, "flushing to disk failed", code)
        }
        guard close(fd) == 0 else { throw FileWriteError(path, "closing failed", errno) }
        guard rename(temporary, path) == 0 else {
            throw FileWriteError(path, "cannot move the finished temporary file into place", errno)
        }
        finished = true
        // Best effort: the new file is already in place, so a folder that cannot be flushed is not a failed write.
        let folderDescriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderDescriptor >= 0 {
            _ = fsync(folderDescriptor)
            close(folderDescriptor)
        }
    }

    /// A test seam: within `AtomicFile.$fault.withValue(...)`, a matching write fails part-way as if the disk were
    /// full (or read-only), the way a real failure would: the temporary is removed and the old file stays.
    @TaskLocal public static var fault: WriteFault?
}

/// A file write that could not be completed; the previous file at `path` (if any) is untouched.
public struct FileWriteError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var step: String
    /// The system's error number (ENOSPC for a full disk, EROFS or EACCES for a read-only folder, ...).
    public var code: Int32

    public init(_ path: String, _ step: String, _ code: Int32) {
        self.path = path
        self.step = step
        self.code = code
    }

    public var description: String {
        var text = "cannot write \(path): \(step): \(String(cString: strerror(code)))"
        switch code {
        case ENOSPC, EDQUOT: text += " (free some space; the previous version of the file is intact)"
        case EROFS, EACCES, EPERM: text += " (the folder is not writable; the previous version of the file is intact)"
        default: break
        }
        return text
    }
}

/// A simulated write failure: the `occurrence`-th write (1-based) of a file whose name is `fileName` stops after
/// `afterBytes` bytes with the error `code` (ENOSPC: the disk is full).
public final class WriteFault: @unchecked Sendable {
    public let fileName: String
    public let occurrence: Int
    public let afterBytes: Int
    public let code: Int32
    private let lock = NSLock()
    private var seen = 0

    public init(fileName: String, occurrence: Int = 1, afterBytes: Int = 0, code: Int32 = ENOSPC) {
        self.fileName = fileName
        self.occurrence = occurrence
        self.afterBytes = afterBytes
        self.code = code
    }

    /// Whether the fault has fired.
    public var fired: Bool { lock.withLock { seen >= occurrence } }

    /// Self if this write of `url` is the one to fail.
    func claim(_ url: URL) -> WriteFault? {
        guard url.lastPathComponent == fileName else { return nil }
        return lock.withLock {
            seen += 1
            return seen == occurrence ? self : nil
        }
    }
}
