/// Why a checkpoint or array file was refused. Each case names the file and says what is wrong with it.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    /// The file is not a well-formed safetensors / .npy file (truncated, bad header, offsets out of range, ...).
    case malformed(file: String, String)
    /// The file is well formed but does not fit the model (missing or unexpected keys, shapes, dtypes).
    case mismatch(file: String, String)
    /// Reading or writing failed at the operating-system level.
    case io(file: String, String)

    public var description: String {
        switch self {
        case let .malformed(file, detail): return "\(file): not a valid file: \(detail)"
        case let .mismatch(file, detail): return "\(file): does not fit the model: \(detail)"
        case let .io(file, detail): return "\(file): \(detail)"
        }
    }
}
