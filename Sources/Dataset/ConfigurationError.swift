/// A setting, a checkpoint's metadata or a run's files that cannot be used as given; the message says which and why.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
