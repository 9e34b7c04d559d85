import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Imaging

/// Why one attempt at a download failed, and whether trying again could help.
public enum AttemptFailure: Error, Sendable, CustomStringConvertible {
    /// The server answered with a status other than 200 (`Retry-After` in seconds, when it sent one).
    case http(status: Int, retryAfter: TimeInterval?, body: String)
    /// No complete answer: timeout, refused or dropped connection, unresolvable host.
    case transport(code: Int, message: String)
    /// A 200 answer whose bytes do not decode as an image (truncated, an HTML error page, corrupt).
    case invalid(ImageError)
    /// An image of another size than asked for.
    case wrongSize(expected: String, got: String)
    /// A well-formed image with nothing in it, or without some of the bands asked for: the field is outside the
    /// survey's footprint (or in a gap). Asking again will not help.
    case noCoverage(String)
    /// A FITS answer whose planes are not the bands asked for.
    case wrongBands(String)
    /// A 200 answer that is not what was asked for (e.g. a catalogue without rows).
    case unusable(String)
    /// The file could not be written.
    case writeFailed(String)

    /// Timeouts, connection errors, 5xx and 429 (and 408) are worth another try; so is a bad or cut-short body,
    /// which is what an overloaded server often sends. A 404, an image of another size (the request, not the
    /// moment, is wrong) or a full disk is not.
    public var isRetryable: Bool {
        switch self {
        case .http(let status, _, _): return status >= 500 || status == 429 || status == 408
        case .transport(let code, _):
            return ![URLError.badURL.rawValue, URLError.unsupportedURL.rawValue, URLError.cancelled.rawValue].contains(code)
        case .invalid, .unusable: return true
        case .wrongSize, .writeFailed, .noCoverage, .wrongBands: return false
        }
    }

    public var retryAfter: TimeInterval? {
        if case .http(_, let retryAfter, _) = self { return retryAfter }
        return nil
    }

    /// A short name for grouping failures in the summary.
    public var kind: String {
        switch self {
        case .http(let status, _, _): return "HTTP \(status)"
        case .transport(let code, _): return code == URLError.timedOut.rawValue ? "timeout" : "connection error"
        case .invalid(let error):
            switch error.kind {
            case .truncated: return "truncated image"
            case .unknownFormat, .empty: return "not an image"
            default: return "bad image"
            }
        case .wrongSize: return "wrong size"
        case .noCoverage: return "no coverage"
        case .wrongBands: return "wrong bands"
        case .unusable: return "unusable answer"
        case .writeFailed: return "write failed"
        }
    }

    public var description: String {
        switch self {
        case .http(let status, let retryAfter, let body):
            let after = retryAfter.map { ", Retry-After \($0) s" } ?? ""
            return "HTTP \(status)\(after)" + (body.isEmpty ? "" : ": \(body)")
        case .transport(_, let message): return "\(kind): \(message)"
        case .invalid(let error): return "\(kind): \(error.detail)"
        case .wrongSize(let expected, let got): return "wrong size: asked for \(expected), got \(got)"
        case .unusable(let message): return message
        case .noCoverage(let message): return "no coverage: \(message)"
        case .wrongBands(let message): return "wrong bands: \(message)"
        case .writeFailed(let message): return "write failed: \(message)"
        }
    }

    /// The start of a text body, on one line: SkyServer's error pages say what was wrong.
    static func snippet(_ data: Data) -> String {
        let text = String(decoding: data.prefix(400), as: UTF8.self)
        let stripped = text.replacingOccurrences(of: "<[^>]*>", with: " ", options: .regularExpression)
        let words = stripped.split(whereSeparator: { $0.isWhitespace || $0.isNewline || $0 == "," })
        return String(words.joined(separator: " ").prefix(120))
    }

    /// Seconds from a `Retry-After` header: a number of seconds or an HTTP date.
    static func retryAfterSeconds(_ value: String?, now: Date = Date()) -> TimeInterval? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value), seconds >= 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}
