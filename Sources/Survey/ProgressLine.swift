import Foundation

/// A one-line progress bar on standard error: done/total, a bar, the caller's figures and the time left; when
/// standard error is not a terminal (logs, CI) a plain line every tenth of the way instead. (Training's `ProgressBar`
/// does the same for a later stage, which Survey cannot import; this one is internal so the two cannot clash.)
final class ProgressLine {
    private let total: Int
    private let label: String
    private let start = Date()
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private var lastDecile = -1

    init(total: Int, label: String) {
        self.total = max(total, 1)
        self.label = label
    }

    func update(done: Int, figures: String = "") {
        let fraction = Double(done) / Double(total)
        let elapsed = Date().timeIntervalSince(start)
        let left = done > 0 ? elapsed / fraction - elapsed : 0
        let status = "\(label) \(done)/\(total) \(figures)" + (done > 0 ? " left \(Self.duration(left))" : "")
        if isTerminal {
            let width = 24, filled = min(width, Int(fraction * Double(width)))
            let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
            FileHandle.standardError.write(Data("\r[\(bar)] \(status)\u{1B}[K".utf8))
        } else if Int(fraction * 10) > lastDecile {
            lastDecile = Int(fraction * 10)
            FileHandle.standardError.write(Data("\(status)\n".utf8))
        }
    }

    func finish() {
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    static func duration(_ seconds: TimeInterval) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
    }
}
