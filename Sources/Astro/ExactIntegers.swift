import Foundation

/// Parsing of SDSS's 64-bit identifiers and bit masks. `objID`, `specObjID` and `flags` need all 64 bits; a Double
/// keeps 53, so a value that went through floating point (`1.23e18`, `1237661059574334072.0`) has already lost its
/// low digits and is refused rather than rounded.
public enum ExactInteger {
    /// Why a cell is not an exact 64-bit integer.
    public static func problem(_ text: String, signed: Bool) -> String? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.isEmpty { return "is empty" }
        let digits = t.hasPrefix("-") || t.hasPrefix("+") ? t.dropFirst() : Substring(t)
        if digits.isEmpty || !digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
            if t.contains(where: { $0 == "e" || $0 == "E" || $0 == "." }), Double(t) != nil {
                return "'\(t)' is written as a floating-point number; a 64-bit ID must be written as an integer (a double keeps only 53 bits, so its low digits are already lost)"
            }
            return "'\(t)' is not an integer"
        }
        if signed ? Int64(t) == nil : UInt64(t) == nil {
            if !signed && t.hasPrefix("-") { return "'\(t)' is negative" }
            return "'\(t)' does not fit in 64 bits (\(signed ? "Int64" : "UInt64"))"
        }
        return nil
    }

    public static func int64(_ text: String) -> Result<Int64, ExactIntegerError> {
        if let p = problem(text, signed: true) { return .failure(ExactIntegerError(message: p)) }
        return .success(Int64(text.trimmingCharacters(in: .whitespaces))!)
    }

    public static func uint64(_ text: String) -> Result<UInt64, ExactIntegerError> {
        if let p = problem(text, signed: false) { return .failure(ExactIntegerError(message: p)) }
        return .success(UInt64(text.trimmingCharacters(in: .whitespaces))!)
    }
}

public struct ExactIntegerError: Error, Sendable {
    public var message: String
}
