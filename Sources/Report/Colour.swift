// Colours: an RGBA value, the Okabe-Ito palette (distinguishable with the common colour-vision deficiencies) and a
// viridis-like sequential map for heatmaps.

/// A colour with components in 0...1.
public struct RGBColor: Sendable, Equatable, Hashable {
    public var red: Double
    public var green: Double
    public var blue: Double
    public var alpha: Double

    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }

    /// From `0xRRGGBB`.
    public init(hex: UInt32, alpha: Double = 1) {
        self.init(red: Double((hex >> 16) & 0xFF) / 255, green: Double((hex >> 8) & 0xFF) / 255,
                  blue: Double(hex & 0xFF) / 255, alpha: alpha)
    }

    public func withAlpha(_ alpha: Double) -> RGBColor { RGBColor(red: red, green: green, blue: blue, alpha: alpha) }

    /// `#rrggbb`, for SVG and CSS (alpha goes in a separate opacity attribute).
    public var hexString: String {
        func byte(_ v: Double) -> String {
            let b = Int((min(1, max(0, v)) * 255).rounded())
            return String(b, radix: 16).count == 1 ? "0" + String(b, radix: 16) : String(b, radix: 16)
        }
        return "#" + byte(red) + byte(green) + byte(blue)
    }

    /// Relative luminance (sRGB weights), to pick black or white text on a fill.
    public var luminance: Double { 0.2126 * red + 0.7152 * green + 0.0722 * blue }

    public static let black = RGBColor(hex: 0x000000)
    public static let white = RGBColor(hex: 0xFFFFFF)
    public static let grey = RGBColor(hex: 0x999999)
    public static let lightGrey = RGBColor(hex: 0xE5E5E5)
    public static let darkGrey = RGBColor(hex: 0x444444)
}

/// Okabe & Ito's colour-blind-safe palette, and the roles Perseus gives its colours.
public enum Palette {
    public static let orange = RGBColor(hex: 0xE69F00)
    public static let skyBlue = RGBColor(hex: 0x56B4E9)
    public static let bluishGreen = RGBColor(hex: 0x009E73)
    public static let yellow = RGBColor(hex: 0xF0E442)
    public static let blue = RGBColor(hex: 0x0072B2)
    public static let vermillion = RGBColor(hex: 0xD55E00)
    public static let reddishPurple = RGBColor(hex: 0xCC79A7)

    /// Series colours in order of use.
    public static let categorical = [blue, vermillion, bluishGreen, orange, reddishPurple, skyBlue, yellow, RGBColor.black]

    /// Background (0) and member (1).
    public static func classColour(_ c: Int) -> RGBColor { categorical[c % categorical.count] }

    /// Viridis-like sequential map of t in 0...1 (dark purple to yellow), monotonic in lightness.
    public static func sequential(_ t: Double) -> RGBColor {
        let stops: [(Double, Double, Double)] = [
            (68, 1, 84), (72, 40, 120), (62, 74, 137), (49, 104, 142), (38, 130, 142),
            (31, 158, 137), (53, 183, 121), (110, 206, 88), (181, 222, 43), (253, 231, 37),
        ]
        let x = min(1, max(0, t.isNaN ? 0 : t)) * Double(stops.count - 1)
        let i = min(stops.count - 2, Int(x))
        let f = x - Double(i)
        let a = stops[i], b = stops[i + 1]
        return RGBColor(red: (a.0 + (b.0 - a.0) * f) / 255, green: (a.1 + (b.1 - a.1) * f) / 255,
                        blue: (a.2 + (b.2 - a.2) * f) / 255)
    }
}
