/// SDSS photometric flags (`PhotoFlags` in SkyServer, `flags` in PhotoObj): bit n set means flag n, with the 32
/// OBJECT1 flags in bits 0..31 and the OBJECT2 flags in bits 32..63 (SkyServer's `flags = flags1 + flags2 << 32`).
/// Names are SkyServer's, as `dbo.fPhotoFlagsN` writes them in `flag_text`.
public struct PhotoFlags: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// The signed 64-bit value SkyServer stores (bit 63 makes it negative).
    public init(_ value: Int64) { rawValue = UInt64(bitPattern: value) }

    /// Every flag with its bit number, as in SkyServer's PhotoFlags table (DR8 and later).
    public static let table: [(name: String, bit: Int)] = [
        ("CANONICAL_CENTER", 0), ("BRIGHT", 1), ("EDGE", 2), ("BLENDED", 3), ("CHILD", 4), ("PEAKCENTER", 5),
        ("NODEBLEND", 6), ("NOPROFILE", 7), ("NOPETRO", 8), ("MANYPETRO", 9), ("NOPETRO_BIG", 10),
        ("DEBLEND_TOO_MANY_PEAKS", 11), ("COSMIC_RAY", 12), ("MANYR50", 13), ("MANYR90", 14), ("BAD_RADIAL", 15),
        ("INCOMPLETE_PROFILE", 16), ("INTERP", 17), ("SATURATED", 18), ("NOTCHECKED", 19), ("SUBTRACTED", 20),
        ("NOSTOKES", 21), ("BADSKY", 22), ("PETROFAINT", 23), ("TOO_LARGE", 24), ("DEBLENDED_AS_PSF", 25),
        ("DEBLEND_PRUNED", 26), ("ELLIPFAINT", 27), ("BINNED1", 28), ("BINNED2", 29), ("BINNED4", 30), ("MOVED", 31),
        ("DEBLENDED_AS_MOVING", 32), ("NODEBLEND_MOVING", 33), ("TOO_FEW_DETECTIONS", 34), ("BAD_MOVING_FIT", 35),
        ("STATIONARY", 36), ("PEAKS_TOO_CLOSE", 37), ("BINNED_CENTER", 38), ("LOCAL_EDGE", 39),
        ("BAD_COUNTS_ERROR", 40), ("BAD_MOVING_FIT_CHILD", 41), ("DEBLEND_UNASSIGNED_FLUX", 42), ("SATUR_CENTER", 43),
        ("INTERP_CENTER", 44), ("DEBLENDED_AT_EDGE", 45), ("DEBLEND_NOPEAK", 46), ("PSF_FLUX_INTERP", 47),
        ("TOO_FEW_GOOD_DETECTIONS", 48), ("CENTER_OFF_AIMAGE", 49), ("DEBLEND_DEGENERATE", 50),
        ("BRIGHTEST_GALAXY_CHILD", 51), ("CANONICAL_BAND", 52), ("AMOMENT_UNWEIGHTED", 53), ("AMOMENT_SHIFT", 54),
        ("AMOMENT_MAXITER", 55), ("MAYBE_CR", 56), ("MAYBE_EGHOST", 57), ("NOTCHECKED_CENTER", 58),
        ("HAS_SATUR_DN", 59), ("DEBLEND_PEEPHOLE", 60), ("SPARE3", 61), ("SPARE2", 62), ("SPARE1", 63),
    ]

    /// Other spellings in use: photo's own short names and older SkyServer names.
    public static let aliases: [String: String] = [
        "CR": "COSMIC_RAY", "SATUR": "SATURATED", "MEDIAN_CENTER": "BINNED_CENTER",
        "AMOMENT_FAINT": "AMOMENT_UNWEIGHTED", "OBJECT2_HAS_SATUR_DN": "HAS_SATUR_DN",
        "OBJECT2_DEBLEND_PEEPHOLE": "DEBLEND_PEEPHOLE",
    ]

    private static let bitByName: [String: Int] = Dictionary(uniqueKeysWithValues: table.map { ($0.name, $0.bit) })

    /// The bit of a flag name (any case, aliases allowed), or nil for an unknown name.
    public static func bit(named name: String) -> Int? {
        let upper = name.uppercased()
        return bitByName[aliases[upper] ?? upper]
    }

    /// The mask of the named flags; throws naming the first unknown flag.
    public init(names: [String]) throws {
        var mask: UInt64 = 0
        for name in names {
            guard let bit = PhotoFlags.bit(named: name) else { throw PhotoFlagsError.unknownName(name) }
            mask |= 1 << UInt64(bit)
        }
        rawValue = mask
    }

    /// Parses SkyServer's `flag_text`: names separated by spaces.
    public init(text: String) throws {
        try self.init(names: text.split(separator: " ").map(String.init))
    }

    /// The names of the set bits, highest bit first, as SkyServer's `flag_text` lists them.
    public var names: [String] {
        PhotoFlags.table.reversed().filter { rawValue & (1 << UInt64($0.bit)) != 0 }.map(\.name)
    }

    public var description: String { names.joined(separator: " ") }

    public static let child = PhotoFlags(rawValue: 1 << 4)
    public static let nodeblend = PhotoFlags(rawValue: 1 << 6)
    public static let noPetro = PhotoFlags(rawValue: 1 << 8)
    public static let cosmicRay = PhotoFlags(rawValue: 1 << 12)
    public static let saturated = PhotoFlags(rawValue: 1 << 18)
    public static let subtracted = PhotoFlags(rawValue: 1 << 20)
}

public enum PhotoFlagsError: Error, CustomStringConvertible, Sendable, Equatable {
    case unknownName(String)

    public var description: String {
        switch self {
        case .unknownName(let name): "unknown SDSS photo flag '\(name)'"
        }
    }
}
