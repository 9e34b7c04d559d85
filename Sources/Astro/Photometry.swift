/// The five SDSS bands, blue to red.
public enum Band: String, CaseIterable, Sendable {
    case u, g, r, i, z
}

/// Magnitudes in the five SDSS bands.
public struct Photometry: Sendable, Equatable {
    public var u: Double
    public var g: Double
    public var r: Double
    public var i: Double
    public var z: Double

    public init(u: Double, g: Double, r: Double, i: Double, z: Double) {
        self.u = u
        self.g = g
        self.r = r
        self.i = i
        self.z = z
    }

    /// The five magnitudes from r and the colours SkyServer queries usually return (`u_g`, `g_r`, `r_i`, `r_z`):
    /// g = r + (g-r), u = g + (u-g), i = r - (r-i), z = r - (r-z).
    public init(r: Double, uMinusG: Double, gMinusR: Double, rMinusI: Double, rMinusZ: Double) {
        let g = r + gMinusR
        self.init(u: g + uMinusG, g: g, r: r, i: r - rMinusI, z: r - rMinusZ)
    }

    public subscript(band: Band) -> Double {
        switch band {
        case .u: u
        case .g: g
        case .r: r
        case .i: i
        case .z: z
        }
    }

    /// A colour, `a - b` in magnitudes (positive = redder when a is the bluer band).
    public func colour(_ a: Band, _ b: Band) -> Double { self[a] - self[b] }

    /// Magnitudes corrected for Galactic extinction: m0 = m - A (SDSS's `extinction_u`...`extinction_z`).
    public func dereddened(by extinction: Photometry) -> Photometry {
        Photometry(u: u - extinction.u, g: g - extinction.g, r: r - extinction.r,
                   i: i - extinction.i, z: z - extinction.z)
    }
}
