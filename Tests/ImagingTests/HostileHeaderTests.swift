import Foundation
import Testing
@testable import Imaging

/// Regression tests for what fuzzing (`scripts/fuzz.sh`) found: headers that claim sizes the data cannot back.
/// Each used to end the process (an allocation of many gigabytes, an integer overflow trap, or cfitsio reading
/// past the buffer); each must now be a clean `ImageError`.
@Suite struct HostileHeaderTests {
    /// A real JPEG whose start-of-frame marker is patched to claim 65000 x 65000 pixels (12.7 GB of samples;
    /// libjpeg itself refuses sides over 65500).
    @Test func jpegClaimingHugeDimensionsIsRefusedBeforeAllocating() throws {
        var bytes = [UInt8](try testPattern(width: 16, height: 16, channels: 3).jpegData())
        let sof = try #require(bytes.indices.dropLast().first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 })
        // FF C0, length (2), precision (1), height (2), width (2)
        for i in [sof + 5, sof + 7] { (bytes[i], bytes[i + 1]) = (0xFD, 0xE8) }  // 65000, big-endian
        let error = #expect(throws: ImageError.self) { try Image(decoding: Data(bytes), name: "huge.jpg") }
        #expect(error?.kind == .unsupported, "\(String(describing: error))")
        #expect(error?.description.contains("huge.jpg") == true && error?.description.contains("65000x65000") == true)
    }

    /// A real PNG whose IHDR (with its CRC recomputed) claims 100000 x 100000 pixels.
    @Test func pngClaimingHugeDimensionsIsRefusedBeforeAllocating() throws {
        var bytes = [UInt8](try testPattern(width: 8, height: 8, channels: 1).pngData())
        // Signature (8), IHDR length (4), "IHDR" (4), width (4, big-endian), height (4), ..., CRC at 29..<33.
        #expect(Array(bytes[12..<16]) == Array("IHDR".utf8))
        for offset in [16, 20] { bytes.replaceSubrange(offset..<(offset + 4), with: bigEndian(100_000)) }
        bytes.replaceSubrange(29..<33, with: bigEndian(crc32(bytes[12..<29])))
        let error = #expect(throws: ImageError.self) { try Image(decoding: Data(bytes), name: "huge.png") }
        #expect(error?.kind == .unsupported, "\(String(describing: error))")
        #expect(error?.description.contains("100000x100000") == true)
    }

    /// NAXIS1 = NAXIS2 = 2^62: the byte count overflowed Int and trapped.
    @Test func fitsAxesWhoseProductOverflowsAreRefused() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("overflow.fits")
        try FITSTests.writeFITS(url, width: 24, height: 16, hdus: [[FITSTests.storedPlane(band: 0, width: 24, height: 16)]])
        var bytes = [UInt8](try Data(contentsOf: url))
        try setCard(&bytes, "NAXIS1", to: "4611686018427387904")
        try setCard(&bytes, "NAXIS2", to: "4611686018427387904")
        let error = #expect(throws: ImageError.self) { try Image(decoding: Data(bytes), name: "overflow.fits") }
        #expect(error?.source == "overflow.fits")
    }

    /// NAXIS1 = 0 with NAXIS2 = 2^63 - 1: no data, but the row flip looped over 2^63 empty rows (a hang).
    @Test func fitsImageWithAZeroAxisHasNoDataAndDoesNotHang() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("zero.fits")
        try FITSTests.writeFITS(url, width: 24, height: 16, hdus: [[FITSTests.storedPlane(band: 0, width: 24, height: 16)]])
        var bytes = [UInt8](try Data(contentsOf: url))
        try setCard(&bytes, "NAXIS1", to: "0")
        try setCard(&bytes, "NAXIS2", to: "9223372036854775807")
        let error = #expect(throws: ImageError.self) { try Image(decoding: Data(bytes), name: "zero.fits") }
        #expect(error?.kind == .unsupported && error?.description.contains("no image data") == true,
                "\(String(describing: error))")
    }

    /// An image extension whose PCOUNT puts its end 10^18 bytes into a 16 kB file: cfitsio's memory driver read
    /// far past the buffer (a segmentation fault).
    @Test func fitsExtensionEndingBeyondTheFileIsRefused() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("pcount.fits")
        let plane = FITSTests.storedPlane(band: 0, width: 8, height: 8)
        try FITSTests.writeFITS(url, width: 8, height: 8, hdus: [[], [plane], [plane]])
        var bytes = [UInt8](try Data(contentsOf: url))
        try setCard(&bytes, "PCOUNT", to: "1237661055281529331")  // the first extension's
        let error = #expect(throws: ImageError.self) { try Image(decoding: Data(bytes), name: "pcount.fits") }
        #expect(error?.kind == .truncated, "\(String(describing: error))")
        #expect(error?.description.contains("HDU 2") == true)
    }

    // MARK: - Helpers

    /// Replaces the value of the first header card `keyword` with `value`, right-aligned in columns 11-30 as the
    /// FITS standard's fixed format has it.
    private func setCard(_ bytes: inout [UInt8], _ keyword: String, to value: String) throws {
        let key = Array(keyword.padding(toLength: 8, withPad: " ", startingAt: 0).utf8) + Array("= ".utf8)
        let card = try #require(stride(from: 0, to: bytes.count - 80, by: 80).first { Array(bytes[$0..<($0 + 10)]) == key },
                                "no \(keyword) card")
        let field = Array(String(repeating: " ", count: 20 - value.count).utf8) + Array(value.utf8)
        bytes.replaceSubrange((card + 10)..<(card + 30), with: field)
    }

    private func bigEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }

    /// CRC-32 (ISO 3309), as PNG chunks carry it.
    private func crc32<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
