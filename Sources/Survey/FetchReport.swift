import Astro
import Files
import Foundation
import Imaging

/// What happened to one cutout.
public struct FetchOutcome: Sendable, Equatable {
    public enum Status: String, Sendable {
        /// Downloaded, decoded and written.
        case fetched
        /// A valid file was already there; no request was made.
        case skipped
        /// Every attempt failed (or the failure was not worth retrying).
        case failed
    }

    public var cutout: Cutout
    public var status: Status
    /// Requests made (0 for a skipped file).
    public var attempts: Int
    public var bytes: Int
    /// The failure's group ("HTTP 500", "timeout", "truncated image", ...) and its full text.
    public var failureKind: String?
    public var reason: String?

    public init(cutout: Cutout, status: Status, attempts: Int, bytes: Int = 0, failureKind: String? = nil,
                reason: String? = nil) {
        self.cutout = cutout
        self.status = status
        self.attempts = attempts
        self.bytes = bytes
        self.failureKind = failureKind
        self.reason = reason
    }
}

/// Every cutout's outcome, in the order they were asked for, with counts and the failures grouped by reason.
public struct FetchReport: Sendable {
    public var outcomes: [FetchOutcome]
    /// Leftover temporary files of an interrupted run that were removed before starting.
    public var staleTemporariesRemoved: Int
    public var seconds: Double

    public init(outcomes: [FetchOutcome], staleTemporariesRemoved: Int = 0, seconds: Double = 0) {
        self.outcomes = outcomes
        self.staleTemporariesRemoved = staleTemporariesRemoved
        self.seconds = seconds
    }

    public func count(_ status: FetchOutcome.Status) -> Int { outcomes.filter { $0.status == status }.count }
    public var fetched: Int { count(.fetched) }
    public var skipped: Int { count(.skipped) }
    public var failed: Int { count(.failed) }
    public var requests: Int { outcomes.reduce(0) { $0 + $1.attempts } }

    /// Failures per reason group, most frequent first.
    public var failuresByKind: [(kind: String, count: Int)] {
        var counts: [String: Int] = [:]
        for o in outcomes where o.status == .failed { counts[o.failureKind ?? "unknown", default: 0] += 1 }
        return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// A few lines for the terminal.
    public func summary(listFailures limit: Int = 10) -> String {
        var lines = ["fetched \(fetched), skipped \(skipped) (already valid), failed \(failed); "
                     + "\(requests) requests in \(String(format: "%.1f", seconds)) s"]
        if staleTemporariesRemoved > 0 {
            lines.append("removed \(staleTemporariesRemoved) temporary files left by an interrupted run")
        }
        if failed > 0 {
            lines.append("failures: " + failuresByKind.map { "\($0.kind) \($0.count)" }.joined(separator: ", "))
            for o in outcomes.filter({ $0.status == .failed }).prefix(limit) {
                lines.append("  \(o.cutout.id) (\(o.cutout.width)px, \(o.attempts) attempts): \(o.reason ?? "")")
            }
            if failed > limit { lines.append("  ... and \(failed - limit) more (see the report file)") }
        }
        return lines.joined(separator: "\n")
    }

    /// One row per cutout: `id,ra,dec,width,scale,file,status,attempts,bytes,failure,reason`.
    public func csv() -> String {
        var text = "id,ra,dec,width,scale,file,status,attempts,bytes,failure,reason\n"
        for o in outcomes {
            let c = o.cutout
            let fields = [c.id, "\(c.ra)", "\(c.dec)", "\(c.width)", "\(c.scale)", c.file.path, o.status.rawValue,
                          "\(o.attempts)", "\(o.bytes)", o.failureKind ?? "", o.reason ?? ""]
            text += fields.map(csvField).joined(separator: ",") + "\n"
        }
        return text
    }

    /// Writes `csv()` atomically.
    public func write(to url: URL) throws {
        try AtomicFile.write(Data(csv().utf8), to: url)
    }

}
