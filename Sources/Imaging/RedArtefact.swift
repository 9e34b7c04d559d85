/// The study's red-artefact rule. Some SDSS fields have an under-subtracted i-band sky, and since SDSS maps i to
/// red their cutouts come out red-dominated; the study dropped images with more than 50% red pixels.
///
/// Colour is measured as OpenCV measures it for 8-bit images (`cvtColor`, hue on 0..179), with its exact integer
/// arithmetic. The study read the files with `cv2.imread` (which returns B,G,R); converting that array with
/// `COLOR_BGR2HSV` measures the true colours, `COLOR_RGB2HSV` would swap red and blue. Against the `reds` column of
/// `sdss_crossmatch_bright.csv` the true colours reproduce the study exactly (all 180 objects with a cutout here
/// agree to 1e-14 percentage points) and the swapped ones do not (21 of 180 within a point), so `.study` measures
/// the true colours; `.swappedRedBlue` is kept to show the alternative (see `RedArtefactTests`).
public struct RedPixelRule: Sendable, Equatable {
    /// Whether the hue is computed from (R, G, B) as stored (`false`), or with R and B swapped as the study did.
    public var swapRedAndBlue: Bool

    public init(swapRedAndBlue: Bool) { self.swapRedAndBlue = swapRedAndBlue }

    /// What the study computed: cv2.imread's B,G,R array converted with COLOR_BGR2HSV, i.e. the true colours.
    public static let study = RedPixelRule(swapRedAndBlue: false)
    /// The same thresholds with red and blue swapped (COLOR_RGB2HSV on cv2.imread's array): not the study's numbers.
    public static let swappedRedBlue = RedPixelRule(swapRedAndBlue: true)

    /// A pixel is red when (hue 0-10, saturation >= 80, value >= 20) or (hue 160-179, saturation >= 100,
    /// value >= 20), all on OpenCV's 8-bit scales.
    public static func isRed(_ hsv: HSV8) -> Bool {
        guard hsv.value >= 20 else { return false }
        return (hsv.hue <= 10 && hsv.saturation >= 80) || (hsv.hue >= 160 && hsv.saturation >= 100)
    }
}

/// A pixel in OpenCV's 8-bit HSV: hue 0..179 (degrees / 2), saturation and value 0..255.
public struct HSV8: Sendable, Equatable {
    public var hue: Int
    public var saturation: Int
    public var value: Int

    public init(hue: Int, saturation: Int, value: Int) {
        self.hue = hue
        self.saturation = saturation
        self.value = value
    }

    /// OpenCV's `RGB2HSV_b` (hue range 180): fixed-point division tables with a 12-bit shift, rounding as it rounds.
    public init(red r: Int, green g: Int, blue b: Int) {
        let v = max(r, g, b), diff = v - min(r, g, b)
        let s = (diff * HSV8.saturationDivisors[v] + (1 << 11)) >> 12
        var h: Int
        if v == r {
            h = g - b
        } else if v == g {
            h = b - r + 2 * diff
        } else {
            h = r - g + 4 * diff
        }
        h = (h * HSV8.hueDivisors[diff] + (1 << 11)) >> 12
        if h < 0 { h += 180 }
        self.init(hue: h, saturation: s, value: v)
    }

    private static let saturationDivisors: [Int] = (0..<256).map { $0 == 0 ? 0 : Int((Double(255 << 12) / Double($0)).rounded()) }
    private static let hueDivisors: [Int] = (0..<256).map { $0 == 0 ? 0 : Int((Double(180 << 12) / (6 * Double($0))).rounded()) }
}

/// The fraction (0...1) of `image`'s pixels that `rule` calls red. Values are quantised to 8 bits (round to
/// nearest) as in the JPEG files; an image with fewer than three planes is grey, so has no red pixels.
public func redPixelFraction(_ image: Image, rule: RedPixelRule = .study) -> Double {
    let plane = image.width * image.height
    guard plane > 0, image.channels >= 3 else { return 0 }
    var red = 0
    image.pixels.withUnsafeBufferPointer { p in
        func level(_ v: Float) -> Int { v.isNaN ? 0 : Int((min(max(v, 0), 1) * 255).rounded()) }
        for i in 0..<plane {
            var (r, g, b) = (level(p[i]), level(p[plane + i]), level(p[2 * plane + i]))
            if rule.swapRedAndBlue { swap(&r, &b) }
            if RedPixelRule.isRed(HSV8(red: r, green: g, blue: b)) { red += 1 }
        }
    }
    return Double(red) / Double(plane)
}
