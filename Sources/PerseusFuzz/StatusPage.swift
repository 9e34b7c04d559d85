import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file both processes map: the worker writes its counters and the input it is about to run, so when the worker
/// dies the supervisor still knows how far it got and which input killed it. No system call per input.
final class StatusPage {
    static let headerSize = 64
    private enum Field: Int { case executions = 0, ok, errors, unnamed, inputLength, seedFailures }

    let capacity: Int
    private let base: UnsafeMutableRawPointer

    /// Creates (or opens) the file at `url` and maps `capacity` input bytes plus the header.
    init(url: URL, capacity: Int, create: Bool) throws {
        self.capacity = capacity
        let size = Self.headerSize + capacity
        let fd = open(url.path, create ? (O_RDWR | O_CREAT | O_TRUNC) : O_RDWR, 0o600)
        guard fd >= 0 else { throw UsageError(message: "cannot open status file \(url.path)") }
        defer { close(fd) }
        if create { guard ftruncate(fd, off_t(size)) == 0 else { throw UsageError(message: "cannot size \(url.path)") } }
        guard let p = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), p != MAP_FAILED else {
            throw UsageError(message: "cannot map \(url.path)")
        }
        base = p
    }

    private func slot(_ field: Field) -> UnsafeMutablePointer<Int> {
        (base + field.rawValue * 8).assumingMemoryBound(to: Int.self)
    }

    var executions: Int { get { slot(.executions).pointee } set { slot(.executions).pointee = newValue } }
    var ok: Int { get { slot(.ok).pointee } set { slot(.ok).pointee = newValue } }
    var errors: Int { get { slot(.errors).pointee } set { slot(.errors).pointee = newValue } }
    var unnamed: Int { get { slot(.unnamed).pointee } set { slot(.unnamed).pointee = newValue } }
    var seedFailures: Int { get { slot(.seedFailures).pointee } set { slot(.seedFailures).pointee = newValue } }

    /// The input being run.
    var input: [UInt8] {
        get {
            let n = min(slot(.inputLength).pointee, capacity)
            return Array(UnsafeRawBufferPointer(start: base + Self.headerSize, count: n))
        }
        set {
            let n = min(newValue.count, capacity)
            if n > 0 {
                newValue.withUnsafeBytes { (base + Self.headerSize).copyMemory(from: $0.baseAddress!, byteCount: n) }
            }
            slot(.inputLength).pointee = n
        }
    }
}
