/// Errors raised by the engine. Each names the operation and the offending shapes, so a user sees what to fix.
public enum EngineError: Error, CustomStringConvertible, Equatable {
    /// An operation received inputs whose shapes it cannot combine.
    case shape(op: String, String)
    /// oneDNN refused or failed a call.
    case dnnl(op: String, status: Int)
    /// Anything else that is wrong with the arguments.
    case invalidArgument(op: String, String)

    public var description: String {
        switch self {
        case let .shape(op, detail): return "\(op): bad shapes: \(detail)"
        case let .dnnl(op, status): return "\(op): oneDNN returned status \(status)"
        case let .invalidArgument(op, detail): return "\(op): \(detail)"
        }
    }
}
