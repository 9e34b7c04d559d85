import Foundation

/// Writes `data` to `url` so that readers see either the old file or the whole new one, never a part:
/// write a temporary file in the same folder, flush it to disk, then rename it over the target.
func writeAtomically(_ data: Data, to url: URL) throws {
    let path = url.path
    let directory = url.deletingLastPathComponent().path
    let temporary = "\(directory)/.\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    guard fd >= 0 else {
        throw CheckpointError.io(file: path, "cannot create a temporary file in \(directory): \(errorText())")
    }
    var ok = false
    defer {
        if !ok { unlink(temporary) }
    }
    let written = data.withUnsafeBytes { raw -> Bool in
        var offset = 0
        while offset < raw.count {
            let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
            if n < 0 { if errno == EINTR { continue }; return false }
            offset += n
        }
        return true
    }
    guard written, fsync(fd) == 0 else {
        let reason = errorText()
        close(fd)
        throw CheckpointError.io(file: path, "writing failed: \(reason)")
    }
    guard close(fd) == 0 else { throw CheckpointError.io(file: path, "closing failed: \(errorText())") }
    guard rename(temporary, path) == 0 else {
        throw CheckpointError.io(file: path, "cannot move the finished file into place: \(errorText())")
    }
    ok = true
}

private func errorText() -> String { String(cString: strerror(errno)) }
