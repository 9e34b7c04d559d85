import Files
import Foundation
import Tensor

// Tensor data is copied as memory, which is the file's little-endian layout on every platform Swift targets here.
#if _endian(big)
#error("SafeTensors copies little-endian data as memory: add byte swaps for a big-endian host")
#endif

/// A safetensors file (https://github.com/huggingface/safetensors): an 8-byte little-endian header length, a JSON
/// header `{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {string: string}}`, then the
/// raw little-endian tensor data, offsets counted from the end of the header.
///
/// Reading checks everything the format promises (as the reference implementation does) and refuses a file that
/// breaks it with a message naming the problem. Perseus reads and writes F32 and I64 tensors, and F16 (shipped models,
/// half the size): F16 is read into F32 tensors and written from them on request (`precision: .float16`).
public struct SafeTensors: Sendable, Equatable {
    public var tensors: [String: StateTensor]
    /// Free-form string fields (`__metadata__`): Perseus records the architecture here.
    public var metadata: [String: String]

    public init(tensors: [String: StateTensor] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The largest header accepted (the reference implementation's limit): protects against a corrupt length.
    static let maximumHeaderSize = 100_000_000

    /// Reads and checks the file at `url`.
    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw CheckpointError.io(file: url.path, "cannot read: \(error.localizedDescription)")
        }
        try self.init(data: data, source: url.path)
    }

    /// Decodes and checks a file's bytes; `source` names it in errors.
    public init(data: Data, source: String = "safetensors data") throws {
        func malformed(_ detail: String) -> CheckpointError { .malformed(file: source, detail) }
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else {
            throw malformed("truncated: \(bytes.count) bytes, fewer than the 8-byte header length")
        }
        let headerLength = bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(Self.maximumHeaderSize) else {
            throw malformed("header length \(headerLength) is over the \(Self.maximumHeaderSize)-byte limit (not a safetensors file?)")
        }
        let headerEnd = 8 + Int(headerLength)
        guard headerEnd <= bytes.count else {
            throw malformed("truncated: the header claims \(headerLength) bytes but only \(bytes.count - 8) follow")
        }
        let headerBytes = bytes[8..<headerEnd]
        guard headerBytes.first == UInt8(ascii: "{") else {
            throw malformed("the header does not start with '{'")
        }
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(headerBytes))
        } catch {
            throw malformed("the header is not valid JSON")
        }
        guard let header = json as? [String: Any] else { throw malformed("the header is not a JSON object") }

        var metadata: [String: String] = [:]
        if let raw = header["__metadata__"] {
            guard let fields = raw as? [String: Any] else { throw malformed("__metadata__ is not an object") }
            for (key, value) in fields {
                guard let text = value as? String else { throw malformed("__metadata__ field \(key) is not a string") }
                metadata[key] = text
            }
        }

        // Parse every entry, then check the offsets tile the data section exactly: in range, no overlap, no gap.
        struct Entry { let name: String; let dtype: StoredType; let shape: [Int]; let begin: Int; let end: Int }
        let dataLength = bytes.count - headerEnd
        var entries: [Entry] = []
        for (name, raw) in header where name != "__metadata__" {
            guard let info = raw as? [String: Any] else { throw malformed("entry \(name) is not an object") }
            guard let dtypeName = info["dtype"] as? String else { throw malformed("\(name): no dtype") }
            guard let dtype = StoredType(rawValue: dtypeName) else {
                throw malformed("\(name): dtype \(dtypeName) is not supported (Perseus reads F32, F16 and I64)")
            }
            guard let shape = integers(info["shape"]), shape.allSatisfy({ $0 >= 0 }) else {
                throw malformed("\(name): shape is not a list of non-negative integers")
            }
            guard let offsets = integers(info["data_offsets"]), offsets.count == 2 else {
                throw malformed("\(name): data_offsets is not a pair of integers")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard 0 <= begin, begin <= end else { throw malformed("\(name): data_offsets [\(begin), \(end)] are not increasing") }
            guard end <= dataLength else {
                throw malformed("\(name): data_offsets [\(begin), \(end)] are out of range: the data section has \(dataLength) bytes (truncated file?)")
            }
            guard let size = byteCount(shape, dtype), end - begin == size else {
                throw malformed("\(name): \(end - begin) bytes for shape \(shape) of \(dtypeName), which needs \(byteCount(shape, dtype).map(String.init) ?? "more than fits")")
            }
            entries.append(Entry(name: name, dtype: dtype, shape: shape, begin: begin, end: end))
        }
        entries.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var position = 0
        var previous = "the start of the data"
        for entry in entries {
            if entry.begin < position {
                throw malformed("\(entry.name): data_offsets [\(entry.begin), \(entry.end)] overlap \(previous)")
            }
            if entry.begin > position {
                throw malformed("\(entry.name): a gap of \(entry.begin - position) bytes before it (after \(previous))")
            }
            position = entry.end
            previous = entry.name
        }
        guard position == dataLength else {
            throw malformed("\(dataLength - position) bytes after the last tensor are not described by the header")
        }

        var tensors: [String: StateTensor] = [:]
        bytes.withUnsafeBytes { raw in
            for entry in entries {
                let source = UnsafeRawBufferPointer(rebasing: raw[(headerEnd + entry.begin)..<(headerEnd + entry.end)])
                let count = entry.shape.reduce(1, *)
                switch entry.dtype {
                case .float32:
                    let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                        UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
                        initialized = count
                    }
                    tensors[entry.name] = .float32(Tensor(shape: entry.shape, scalars: values))
                case .float16:
                    let half = [Float16](unsafeUninitializedCapacity: count) { buffer, initialized in
                        UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
                        initialized = count
                    }
                    tensors[entry.name] = .float32(Tensor(shape: entry.shape, scalars: half.map(Float.init)))
                case .int64:
                    let values = [Int64](unsafeUninitializedCapacity: count) { buffer, initialized in
                        UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
                        initialized = count
                    }
                    tensors[entry.name] = .int64(shape: entry.shape, values: values)
                }
            }
        }
        self.init(tensors: tensors, metadata: metadata)
    }

    /// How F32 tensors are stored: as they are, or rounded to the nearest F16 (check `halfPrecisionOverflow` first).
    public enum FloatPrecision: Sendable { case float32, float16 }

    /// The first F32 tensor with a finite value beyond F16's range (±65504), which F16 would make infinite, or nil.
    public var halfPrecisionOverflow: String? {
        tensors.keys.sorted().first { name in
            guard case let .float32(t) = tensors[name]! else { return false }
            return t.scalars.contains { $0.isFinite && abs($0) > Float(Float16.greatestFiniteMagnitude) }
        }
    }

    /// The file's bytes: tensors in name order, the header padded with spaces to a multiple of 8 bytes so the data
    /// is aligned (as the reference writer does).
    public func encoded(precision: FloatPrecision = .float32) -> Data {
        let floatType: StoredType = precision == .float16 ? .float16 : .float32
        func stored(_ tensor: StateTensor) -> StoredType { tensor.dtype == .float32 ? floatType : .int64 }
        let names = tensors.keys.sorted()
        var entries: [String] = []
        if !metadata.isEmpty {
            let fields = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            entries.append("\"__metadata__\":{\(fields.joined(separator: ","))}")
        }
        var offset = 0
        for name in names {
            let tensor = tensors[name]!
            let size = tensor.count * stored(tensor).size
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append("\(jsonString(name)):{\"dtype\":\"\(stored(tensor).rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + size)]}")
            offset += size
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }

        var data = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        for name in names {
            switch tensors[name]! {
            case let .float32(t) where floatType == .float16:
                t.scalars.map { Float16($0) }.withUnsafeBytes { data.append(contentsOf: $0) }
            case let .float32(t):
                t.scalars.withUnsafeBytes { data.append(contentsOf: $0) }
            case let .int64(_, values):
                values.withUnsafeBytes { data.append(contentsOf: $0) }
            }
        }
        return data
    }

    /// Writes the file atomically (temporary file, flush, rename).
    public func write(to url: URL, precision: FloatPrecision = .float32) throws {
        try AtomicFile.write(encoded(precision: precision), to: url)
    }
}

/// The element types a file may store; F16 exists only in files (read into F32 tensors).
private enum StoredType: String {
    case float32 = "F32"
    case float16 = "F16"
    case int64 = "I64"

    var size: Int { switch self { case .float32: 4; case .float16: 2; case .int64: 8 } }
}

/// A JSON array of integers, or nil.
private func integers(_ value: Any?) -> [Int]? {
    guard let array = value as? [Any] else { return nil }
    var result: [Int] = []
    for element in array {
        guard let int = element as? Int else { return nil }
        result.append(int)
    }
    return result
}

/// Bytes needed for `shape` of `dtype`, or nil when that overflows.
private func byteCount(_ shape: [Int], _ dtype: StoredType) -> Int? {
    var total = dtype.size
    for d in shape {
        let (product, overflow) = total.multipliedReportingOverflow(by: d)
        if overflow { return nil }
        total = product
    }
    return total
}

