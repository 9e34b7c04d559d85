import Tensor
import SeededRandom

/// The fuzzer draws from the engine's seeded generator, so a fuzz run is replayed from its seed.
extension SeededGenerator {
    /// Uniform in 0..<n (n > 0); the modulo bias is irrelevant here.
    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    public mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }
}

/// Seeded random mutations of files, byte-level and text-level, in the spirit of AFL's havoc stage:
/// bit flips, byte insertion and deletion, chunk duplication, truncation, splicing two seeds, "interesting"
/// integers written over header fields, and for text (CSV, PCC, YAML and FITS header cards) line and field swaps and
/// numeric edits that put boundary values (NaN, 2^63, ...) where numbers were.
public struct Mutator: Sendable {
    public enum Operation: String, CaseIterable, Sendable {
        case bitFlip, randomBytes, insertBytes, deleteRange, duplicateChunk, truncate, splice, interestingInteger
        case swapLines, dropOrRepeatLine, swapFields, numericEdit
    }

    public var rng: SeededGenerator
    /// Inputs never grow beyond this many bytes.
    public let maximumSize: Int
    /// Text-level operations are drawn more often for text formats (and FITS, whose headers are text).
    public let textWeight: Double

    public init(seed: UInt64, maximumSize: Int = 1 << 20, textWeight: Double = 0.3) {
        rng = SeededGenerator(seed: seed)
        self.maximumSize = maximumSize
        self.textWeight = textWeight
    }

    /// One to four stacked mutations of `input`; `donor` is another seed for splicing.
    public mutating func mutate(_ input: [UInt8], donor: [UInt8]) -> [UInt8] {
        var out = input
        let count = 1 + (rng.chance(0.5) ? 0 : rng.below(4))
        for _ in 0..<count {
            let text = rng.chance(textWeight)
            let ops: [Operation] = text ? [.swapLines, .dropOrRepeatLine, .swapFields, .numericEdit, .numericEdit]
                : [.bitFlip, .bitFlip, .randomBytes, .insertBytes, .deleteRange, .duplicateChunk, .truncate, .splice,
                   .interestingInteger, .interestingInteger]
            apply(ops[rng.below(ops.count)], to: &out, donor: donor)
        }
        if out.count > maximumSize { out.removeLast(out.count - maximumSize) }
        return out
    }

    public mutating func apply(_ op: Operation, to out: inout [UInt8], donor: [UInt8]) {
        switch op {
        case .bitFlip:
            guard !out.isEmpty else { return }
            for _ in 0..<(1 + rng.below(8)) { out[position(out.count)] ^= UInt8(1) << UInt8(rng.below(8)) }
        case .randomBytes:
            guard !out.isEmpty else { return }
            for _ in 0..<(1 + rng.below(4)) { out[position(out.count)] = UInt8(truncatingIfNeeded: rng.next()) }
        case .insertBytes:
            let at = rng.below(out.count + 1)
            let n = 1 + rng.below(rng.chance(0.9) ? 8 : 512)
            let byte = UInt8(truncatingIfNeeded: rng.next())
            let bytes = rng.chance(0.5) ? [UInt8](repeating: byte, count: n)
                : (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            out.insert(contentsOf: bytes, at: at)
        case .deleteRange:
            guard !out.isEmpty else { return }
            let start = rng.below(out.count)
            out.removeSubrange(start..<min(out.count, start + 1 + rng.below(rng.chance(0.8) ? 16 : out.count)))
        case .duplicateChunk:
            guard !out.isEmpty else { return }
            let start = rng.below(out.count)
            let chunk = Array(out[start..<min(out.count, start + 1 + rng.below(min(out.count, 4096)))])
            out.insert(contentsOf: chunk, at: rng.below(out.count + 1))
        case .truncate:
            out.removeLast(out.count - rng.below(out.count + 1))
        case .splice:
            guard !donor.isEmpty else { return }
            let keep = rng.below(out.count + 1)
            out = Array(out[..<keep]) + donor[rng.below(donor.count)...]
        case .interestingInteger:
            writeInterestingInteger(&out)
        case .swapLines, .dropOrRepeatLine:
            var lines = split(out, on: UInt8(ascii: "\n"))
            guard lines.count > 1 else { return }
            let (a, b) = (rng.below(lines.count), rng.below(lines.count))
            if op == .swapLines {
                lines.swapAt(a, b)
            } else if rng.chance(0.5) {
                lines.remove(at: a)
            } else {
                lines.insert(lines[a], at: b)
            }
            out = join(lines, with: UInt8(ascii: "\n"))
        case .swapFields:
            swapFields(&out)
        case .numericEdit:
            numericEdit(&out)
        }
    }

    /// A position, half the time within the first 256 bytes, where the headers are.
    private mutating func position(_ count: Int) -> Int {
        rng.chance(0.5) ? rng.below(min(count, 256)) : rng.below(count)
    }

    private static let interesting: [UInt64] = [
        0, 1, 2, 3, 7, 8, 16, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 0x7FFF_FFFF, 0x8000_0000,
        0xFFFF_FFFF, 0x1_0000_0000, 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, 0xFFFF_FFFF_FFFF_FFFF,
    ]

    /// Writes a boundary value, 1, 2, 4 or 8 bytes wide, little- or big-endian, over the bytes at a position.
    private mutating func writeInterestingInteger(_ out: inout [UInt8]) {
        let width = [1, 2, 4, 8][rng.below(4)]
        guard out.count >= width else { return }
        var value = Self.interesting[rng.below(Self.interesting.count)]
        if rng.chance(0.2) { value = value &+ UInt64(bitPattern: Int64(rng.below(33) - 16)) }
        let at = min(position(out.count), out.count - width)
        let bigEndian = rng.chance(0.5)
        for i in 0..<width {
            let shift = UInt64(8 * (bigEndian ? width - 1 - i : i))
            out[at + i] = UInt8(truncatingIfNeeded: value >> shift)
        }
    }

    private static let numbers: [String] = [
        "0", "-0", "1", "-1", "NaN", "nan", "inf", "-inf", "Infinity", "1e308", "-1e308", "1e999", "4.9e-324", "1e-320",
        "127", "128", "255", "256", "32767", "32768", "65535", "65536", "2147483647", "2147483648", "-2147483649",
        "4294967296", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "18446744073709551615",
        "18446744073709551616", "99999999999999999999999999999", "0x1F", "1.5", "1,5", "", " ", "N/A", "+", "-", "e5",
        "1237661055281529331", "1.237661055281529331e18", "360.0001", "-90.5", "100000", "999999", "-2147483648",
    ]

    /// Replaces a number (a run of digits with its sign, point and exponent) with a boundary value or a nearby one.
    /// Half the time the edit keeps the line length, eating the spaces before the number, as FITS's 80-character
    /// header cards need to stay aligned.
    private mutating func numericEdit(_ out: inout [UInt8]) {
        guard !out.isEmpty else { return }
        let isDigit: (UInt8) -> Bool = { $0 >= 48 && $0 <= 57 }
        var i = rng.below(out.count)
        while i < out.count && !isDigit(out[i]) { i += 1 }
        if i == out.count { i = 0; while i < out.count && !isDigit(out[i]) { i += 1 } }
        guard i < out.count else { return }
        let isNumberByte: (UInt8) -> Bool = { isDigit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e")
            || $0 == UInt8(ascii: "E") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+") }
        var start = i, end = i
        while start > 0 && isNumberByte(out[start - 1]) { start -= 1 }
        while end < out.count && isNumberByte(out[end]) { end += 1 }
        let old = String(decoding: out[start..<end], as: UTF8.self)
        var replacement: String
        if rng.chance(0.7) {
            replacement = Self.numbers[rng.below(Self.numbers.count)]
        } else if let v = Int64(old) {
            replacement = String(v &+ Int64(rng.below(5) - 2) &* (rng.chance(0.3) ? 1000 : 1))
        } else {
            replacement = old + String(repeating: "9", count: 1 + rng.below(20))
        }
        var bytes = Array(replacement.utf8)
        if rng.chance(0.5) {
            var spaces = 0
            while start - spaces > 0 && spaces < 30 && out[start - spaces - 1] == UInt8(ascii: " ") { spaces += 1 }
            let room = end - start + spaces
            if bytes.count <= room {
                bytes = [UInt8](repeating: UInt8(ascii: " "), count: room - bytes.count) + bytes
                start -= spaces
            }
        }
        out.replaceSubrange(start..<end, with: bytes)
    }

    /// Swaps, drops or repeats a field in one line: fields split on commas (CSV), else on runs of 2+ spaces (PCC).
    private mutating func swapFields(_ out: inout [UInt8]) {
        var lines = split(out, on: UInt8(ascii: "\n"))
        guard !lines.isEmpty else { return }
        let l = rng.below(lines.count)
        let line = lines[l]
        var fields: [[UInt8]]
        let comma = line.contains(UInt8(ascii: ","))
        if comma {
            fields = split(line, on: UInt8(ascii: ","))
        } else {
            fields = String(decoding: line, as: UTF8.self).components(separatedBy: "  ").map { Array($0.utf8) }
        }
        guard fields.count > 1 else { return }
        let (a, b) = (rng.below(fields.count), rng.below(fields.count))
        switch rng.below(3) {
        case 0: fields.swapAt(a, b)
        case 1: fields.remove(at: a)
        default: fields.insert(fields[a], at: b)
        }
        lines[l] = comma ? join(fields, with: UInt8(ascii: ",")) : Array(fields.map { String(decoding: $0, as: UTF8.self) }
            .joined(separator: "  ").utf8)
        out = join(lines, with: UInt8(ascii: "\n"))
    }

    private func split(_ bytes: [UInt8], on separator: UInt8) -> [[UInt8]] {
        bytes.split(separator: separator, omittingEmptySubsequences: false).map(Array.init)
    }

    private func join(_ parts: [[UInt8]], with separator: UInt8) -> [UInt8] {
        Array(parts.joined(separator: [separator]))
    }
}
