/// A reduced decoding size, `numerator/denominator` of the full one (each side rounded up). A JPEG decodes at a
/// reduced size straight from its DCT coefficients (TurboJPEG's N/8 scalings: a smaller inverse DCT and colour
/// conversion per block), far cheaper than decoding every pixel and then area-averaging them away; a cutout
/// bound for a 64-pixel network input needs no more than that.
public struct DecodeScale: Hashable, Sendable, CustomStringConvertible {
    public let numerator: Int
    public let denominator: Int

    public init(_ numerator: Int, _ denominator: Int) {
        precondition(numerator > 0 && denominator > 0, "DecodeScale: \(numerator)/\(denominator) is not a scale")
        var (a, b) = (numerator, denominator)
        while b != 0 { (a, b) = (b, a % b) }
        self.numerator = numerator / a
        self.denominator = denominator / a
    }

    public static let full = DecodeScale(1, 1)

    /// TurboJPEG's reductions: 1/8 ... 8/8.
    static let reductions = (1...8).map { DecodeScale($0, 8) }

    /// The smallest reduction whose `width` x `height` result still has both sides at least `side` (full size when
    /// the image is already smaller).
    static func largestReduction(width: Int, height: Int, keepingAtLeast side: Int) -> DecodeScale {
        reductions.first { $0.scaled(width) >= side && $0.scaled(height) >= side } ?? .full
    }

    /// A side at this scale, rounded up as TurboJPEG's `TJSCALED` does.
    public func scaled(_ side: Int) -> Int { (side * numerator + denominator - 1) / denominator }

    public var isFull: Bool { numerator == denominator }

    public var description: String { "\(numerator)/\(denominator)" }
}

/// How large a decoder makes an image: at a scale, or at the smallest JPEG reduction keeping both sides at least a
/// length (other formats: whole).
enum DecodeSize {
    case scale(DecodeScale)
    case keepingAtLeast(Int)
}
