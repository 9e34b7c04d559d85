import Foundation
import Testing
import Tensor
@testable import NN

@Suite struct NumPyArrayTests {
    @Test func roundTripAndLayout() throws {
        let t = Tensor(shape: [2, 1, 2, 3], scalars: (0..<12).map { Float($0) * 0.5 - 1 })
        let data = NumPyArray.encode(t)
        #expect(Array(data.prefix(8)) == [0x93] + Array("NUMPY".utf8) + [1, 0])
        let headerLength = Int(data[8]) | Int(data[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        let header = String(decoding: data[10..<(10 + headerLength)], as: UTF8.self)
        #expect(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1, 2, 3), }"))
        #expect(header.hasSuffix("\n"))
        #expect(try NumPyArray.decode(data) == t)
        let vector = Tensor(shape: [3], scalars: [1, 2, 3])
        #expect(String(decoding: NumPyArray.encode(vector), as: UTF8.self).contains("'shape': (3,)"))
        #expect(try NumPyArray.decode(NumPyArray.encode(vector)) == vector)
    }

    /// What `np.save(f, np.arange(6, dtype=np.float32).reshape(2, 3))` writes (NumPy 2.4), header spacing included.
    @Test func readsNumPysOwnHeader() throws {
        var header = Array("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }".utf8)
        while (10 + header.count + 1) % 64 != 0 { header.append(0x20) }
        header.append(0x0a)
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count), 0] + header
        for v in 0..<6 { bytes += withUnsafeBytes(of: Float(v).bitPattern.littleEndian) { Array($0) } }
        #expect(try NumPyArray.decode(Data(bytes)) == Tensor(shape: [2, 3], scalars: [0, 1, 2, 3, 4, 5]))
    }

    func refusal(_ header: String, data: Int = 24) -> String {
        var h = Array(header.utf8)
        while (10 + h.count + 1) % 64 != 0 { h.append(0x20) }
        h.append(0x0a)
        let bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(h.count), 0] + h + [UInt8](repeating: 0, count: data)
        do { _ = try NumPyArray.decode(Data(bytes), source: "x.npy"); return "accepted" } catch { return "\(error)" }
    }

    @Test func refusesWhatItCannotRead() {
        #expect(refusal("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }").contains("astype(np.float32)"))
        #expect(refusal("{'descr': '>f4', 'fortran_order': False, 'shape': (6,), }").contains("'>f4'"))
        #expect(refusal("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }").contains("Fortran"))
        let short = refusal("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 4), }")
        #expect(short.contains("x.npy") && short.contains("truncated"), "\(short)")
        do {
            _ = try NumPyArray.decode(Data("hello world".utf8), source: "x.npy")
            Issue.record("accepted a text file")
        } catch {
            #expect("\(error)".contains("magic"))
        }
    }
}
