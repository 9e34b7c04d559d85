import Foundation
import Testing
import Tensor
import Autodiff
@testable import NN

@Suite struct SafeTensorsTests {
    /// A file's bytes from a header written by hand and a data section.
    func file(header: String, data: [UInt8]) -> Data {
        var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) }
        bytes += Array(header.utf8) + data
        return Data(bytes)
    }

    func refusal(_ data: Data) -> String {
        do {
            _ = try SafeTensors(data: data, source: "m.safetensors")
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    let sample = SafeTensors(
        tensors: ["w": .float32(Tensor(shape: [2, 3], scalars: [1, -2, 3.5, 0, .pi, -0.25])),
                  "n": .int64(shape: [], values: [42]),
                  "e": .float32(Tensor(shape: [0, 4], scalars: []))],
        metadata: ["perseus.architecture": "resnet18", "quote": "a \"b\" \\ c"])

    /// F16, as shipped models store their weights: written from F32 rounded to the nearest half, read back into F32;
    /// integers stay I64. The bytes of a hand-written F16 file (IEEE binary16: 1.0 = 0x3C00, -2.0 = 0xC000,
    /// 65504 = 0x7BFF) read as those values.
    @Test func halfPrecision() throws {
        let encoded = sample.encoded(precision: .float16)
        let header = String(decoding: encoded[8..<(8 + Int(encoded.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }))], as: UTF8.self)
        #expect(header.contains(#""w":{"dtype":"F16","shape":[2,3],"data_offsets":[8,20]}"#))
        #expect(header.contains(#""n":{"dtype":"I64""#))
        let decoded = try SafeTensors(data: encoded)
        #expect(decoded.metadata == sample.metadata)
        #expect(decoded.tensors["n"] == sample.tensors["n"])
        guard case let .float32(w) = decoded.tensors["w"]! else { Issue.record("F16 did not come back as F32"); return }
        #expect(w.shape == [2, 3])
        #expect(w.scalars == [1, -2, 3.5, 0, Float(Float16(Float.pi)), -0.25])
        #expect(sample.halfPrecisionOverflow == nil)
        let big = SafeTensors(tensors: ["a": .float32(Tensor(shape: [1], scalars: [1])), "b": .float32(Tensor(shape: [2], scalars: [1, 70000]))])
        #expect(big.halfPrecisionOverflow == "b")

        let handWritten = file(header: #"{"h":{"dtype":"F16","shape":[3],"data_offsets":[0,6]}}"#,
                               data: [0x00, 0x3C, 0x00, 0xC0, 0xFF, 0x7B])
        #expect(try SafeTensors(data: handWritten).tensors["h"] == .float32(Tensor(shape: [3], scalars: [1, -2, 65504])))
        #expect(refusal(file(header: #"{"h":{"dtype":"F16","shape":[3],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0])).contains("which needs 6"))
    }

    @Test func roundTrip() throws {
        let encoded = sample.encoded()
        #expect(try SafeTensors(data: encoded) == sample)
        // Layout: 8-byte length, header padded to 8 bytes, data in name order (e, n, w).
        let headerLength = Int(encoded.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        #expect(headerLength % 8 == 0)
        #expect(encoded.count == 8 + headerLength + 8 + 24)
        let header = String(decoding: encoded[8..<(8 + headerLength)], as: UTF8.self)
        #expect(header.contains(#""n":{"dtype":"I64","shape":[],"data_offsets":[0,8]}"#))
        #expect(header.contains(#""w":{"dtype":"F32","shape":[2,3],"data_offsets":[8,32]}"#))
    }

    @Test func atomicWriteLeavesOnlyTheFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("m.safetensors")
        try sample.write(to: url)
        try sample.write(to: url)    // overwrite
        #expect(try SafeTensors(contentsOf: url) == sample)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["m.safetensors"])
        #expect { try sample.write(to: folder.appendingPathComponent("missing/m.safetensors")) } throws: {
            "\($0)".contains("missing")
        }
    }

    @Test func truncatedFilesAreRefused() {
        let encoded = sample.encoded()
        #expect(refusal(encoded.prefix(5)).contains("truncated"))
        #expect(refusal(encoded.prefix(20)).contains("truncated"))
        let short = refusal(encoded.dropLast(4))
        #expect(short.contains("m.safetensors") && short.contains("out of range"), "\(short)")
    }

    @Test func badHeadersAreRefused() {
        #expect(refusal(file(header: "not json", data: [])).contains("'{'"))
        #expect(refusal(file(header: "{\"a\": ", data: [])).contains("not valid JSON"))
        #expect(refusal(Data(repeating: 0xff, count: 64)).contains("limit"))
        #expect(refusal(file(header: #"{"a":{"dtype":"BF16","shape":[1],"data_offsets":[0,2]}}"#, data: [0, 0]))
            .contains("BF16"))
        #expect(refusal(file(header: #"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]))
            .contains("shape"))
        #expect(refusal(file(header: #"{"a":{"dtype":"F32","shape":[1]}}"#, data: [0, 0, 0, 0])).contains("data_offsets"))
        #expect(refusal(file(header: #"{"__metadata__":{"k":1}}"#, data: [])).contains("__metadata__"))
    }

    @Test func badOffsetsAreRefused() {
        let eight = [UInt8](repeating: 0, count: 8)
        // Out of range.
        #expect(refusal(file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, data: eight))
            .contains("out of range"))
        // Size disagrees with the shape.
        #expect(refusal(file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}}"#, data: eight))
            .contains("needs 4"))
        // Overlapping.
        let overlap = refusal(file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: eight))
        #expect(overlap.contains("overlap"), "\(overlap)")
        // Decreasing.
        #expect(refusal(file(header: #"{"a":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}}"#, data: eight))
            .contains("not increasing"))
        // A gap, and bytes nobody owns.
        #expect(refusal(file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: eight)).contains("gap"))
        #expect(refusal(file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: eight))
            .contains("not described"))
    }

    @Test func readsAFileWrittenByTheReferenceImplementation() throws {
        // safetensors.torch.save_file({"x": torch.tensor([[1.5, -2.0]]), "k": torch.tensor(7)}) (safetensors 0.8.0);
        // the reference writer orders data by dtype size, largest first, so I64 `k` comes before `x`.
        let header = #"{"k":{"dtype":"I64","shape":[],"data_offsets":[0,8]},"x":{"dtype":"F32","shape":[1,2],"data_offsets":[8,16]}}"#
        let padded = header + String(repeating: " ", count: (8 - header.utf8.count % 8) % 8)
        var data: [UInt8] = [7, 0, 0, 0, 0, 0, 0, 0]
        for v: Float in [1.5, -2] { data += withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
        let bytes = file(header: padded, data: data)
        #expect(bytes.count == 136)    // the reference wrote 136 bytes, 112 of them header
        let read = try SafeTensors(data: bytes)
        #expect(read.tensors["k"] == .int64(shape: [], values: [7]))
        #expect(read.tensors["x"] == .float32(Tensor(shape: [1, 2], scalars: [1.5, -2])))
        #expect(read.metadata.isEmpty)
    }
}
