import Foundation

/// oneDNN 2.x (as Debian builds it, without concurrent execution) gives a primitive the library's scratchpad of the
/// thread that created it: that scratchpad is thread-local, so running the primitive on another thread reads and
/// writes a buffer that is missing, too small or freed with its thread (seen as crashes in oneDNN's generated code
/// and heap corruption when Swift Testing ran one test's cached primitives on another test's thread). The caches
/// therefore key primitives by this token, unique to each thread for the life of the process (a thread id can be
/// reused by a new thread, a token cannot).
enum CreatingThread {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var issued = 0
    private static let name = "perseus.oneDNN.thread"

    static var token: Int {
        let dictionary = Thread.current.threadDictionary
        if let token = dictionary[name] as? Int { return token }
        let token = lock.withLock { issued += 1; return issued }
        dictionary[name] = token
        return token
    }
}
