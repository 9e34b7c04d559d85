import Files
import Foundation
import Tensor

/// NumPy's `.npy` format for float32 arrays (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
/// the magic `\x93NUMPY`, a version, the header length, a Python-literal header
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 64, 64), }` padded to a multiple of 64 bytes with
/// spaces and a newline, then the values in C order. Perseus writes version 1.0 and reads 1.0, 2.0 and 3.0.
public enum NumPyArray {
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// Reads a little-endian float32 array in C order; anything else is refused with a message saying what it is.
    public static func read(contentsOf url: URL) throws -> Tensor {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw CheckpointError.io(file: url.path, "cannot read: \(error.localizedDescription)")
        }
        return try decode(data, source: url.path)
    }

    /// Writes `tensor` as a version 1.0 `.npy` file, atomically.
    public static func write(_ tensor: Tensor, to url: URL) throws {
        try AtomicFile.write(encode(tensor), to: url)
    }

    public static func encode(_ tensor: Tensor) -> Data {
        let shape = tensor.shape.count == 1 ? "(\(tensor.shape[0]),)" : "(\(tensor.shape.map(String.init).joined(separator: ", ")))"
        var header = Array("{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }".utf8)
        // Magic (6) + version (2) + length (2) + header, padded so the data starts on a 64-byte boundary.
        while (10 + header.count + 1) % 64 != 0 { header.append(UInt8(ascii: " ")) }
        header.append(UInt8(ascii: "\n"))
        var data = Data(magic + [1, 0, UInt8(header.count & 0xff), UInt8(header.count >> 8)] + header)
        tensor.scalars.withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }

    public static func decode(_ data: Data, source: String = ".npy data") throws -> Tensor {
        func malformed(_ detail: String) -> CheckpointError { .malformed(file: source, detail) }
        let bytes = [UInt8](data)
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw malformed("not a NumPy .npy file (no \\x93NUMPY magic)")
        }
        let major = bytes[6]
        let lengthSize: Int
        switch major {
        case 1: lengthSize = 2
        case 2, 3: lengthSize = 4
        default: throw malformed(".npy version \(major).\(bytes[7]) is not supported (1.0, 2.0 and 3.0 are)")
        }
        guard bytes.count >= 8 + lengthSize else { throw malformed("truncated header") }
        let headerLength = (0..<lengthSize).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
        let dataStart = 8 + lengthSize + headerLength
        guard dataStart <= bytes.count, let header = String(bytes: bytes[(8 + lengthSize)..<dataStart], encoding: .utf8) else {
            throw malformed("truncated or unreadable header")
        }
        guard let descr = field("descr", in: header) else { throw malformed("header has no 'descr': \(header)") }
        guard descr == "'<f4'" || descr == "'float32'" else {
            throw malformed("dtype \(descr) is not little-endian float32 '<f4'; convert with `x.astype(np.float32)`")
        }
        guard field("fortran_order", in: header) == "False" else {
            throw malformed("the array is in Fortran order; save it with `np.ascontiguousarray(x)`")
        }
        guard let shapeText = field("shape", in: header), shapeText.hasPrefix("("), shapeText.hasSuffix(")") else {
            throw malformed("header has no shape tuple: \(header)")
        }
        let parts = shapeText.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        var shape: [Int] = []
        for part in parts where !part.isEmpty {
            guard let d = Int(part), d >= 0 else { throw malformed("bad dimension '\(part)' in shape \(shapeText)") }
            shape.append(d)
        }
        let count = shape.reduce(1, *)
        guard bytes.count - dataStart == count * 4 else {
            throw malformed("shape \(shape) needs \(count * 4) bytes of data, the file has \(bytes.count - dataStart) (truncated?)")
        }
        let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { raw in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[dataStart...]))
            }
            initialized = count
        }
        return Tensor(shape: shape, scalars: values)
    }

    /// The literal after `'key':` in a header dict, up to the next top-level comma or brace.
    private static func field(_ key: String, in header: String) -> String? {
        guard let range = header.range(of: "'\(key)':") else { return nil }
        var depth = 0
        var value = ""
        for character in header[range.upperBound...] {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if depth == 0 && (character == "," || character == "}") { break }
            value.append(character)
            if depth < 0 { return nil }
        }
        return value.trimmingCharacters(in: .whitespaces)
    }
}
