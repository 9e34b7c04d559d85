/// What went wrong reading, writing or transforming an image. `source` names the file (or the operation), so a
/// message read out of a long run tells the user which file to look at and why.
public struct ImageError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: String, Sendable {
        /// The file could not be read from disk.
        case unreadable
        /// The file holds no bytes.
        case empty
        /// The bytes start like no format we decode.
        case unknownFormat
        /// The file stops before its data are complete.
        case truncated
        /// The decoder rejected the data.
        case corrupt
        /// A valid file whose layout we do not handle (e.g. a CMYK JPEG, a FITS file without an image).
        case unsupported
        /// Encoding or writing the output failed.
        case writeFailed
        /// An operation was asked for something the image cannot give (e.g. a crop larger than the image).
        case badArgument
    }

    public let kind: Kind
    /// The file name (or operation) the error is about.
    public let source: String
    public let detail: String

    public init(_ kind: Kind, _ source: String, _ detail: String) {
        self.kind = kind
        self.source = source
        self.detail = detail
    }

    public var description: String { "\(source): \(detail)" }
}
