import Foundation

/// The most resident memory this process has held, in bytes (Linux `VmHWM`; `ru_maxrss` elsewhere), or nil.
public func peakResidentBytes() -> Int? {
    #if os(Linux)
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kB = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) }
        return kB.map { $0 * 1024 }
    }
    return nil
    #else
    var usage = rusage()
    guard getrusage(RUSAGE_SELF, &usage) == 0 else { return nil }
    return Int(usage.ru_maxrss)  // bytes on macOS
    #endif
}
