import Foundation

/// Drawing on the synthetic field's native grid (SDSS's 0.396 arcsec/px): Sersic light profiles, point sources,
/// Gaussian knots, and the PSF they are convolved with. Coordinates are in native pixels, (0, 0) at the top-left
/// pixel's centre.
struct SyntheticCanvas {
    let size: Int
    var pixels: [Float]

    init(size: Int) {
        self.size = size
        pixels = [Float](repeating: 0, count: size * size)
    }

    /// A unit-sum elliptical Sersic profile
    /// I(r) ∝ exp(-b_n [(r/r_e)^(1/n) - 1]) with effective (half-light) radius `re` along the major axis, axis
    /// ratio `q` and position angle `angle` (radians), sampled 4x4 per pixel near a compact centre. The profile is normalised over the
    /// canvas (the stated magnitude is the flux inside the cutout).
    static func sersic(size: Int, x cx: Double, y cy: Double, re: Double, n: Double, q: Double, angle: Double) -> [Float] {
        let b = SyntheticCanvas.sersicB(n)
        let (c, s) = (cos(angle), sin(angle))
        var profile = [Double](repeating: 0, count: size * size)
        var total = 0.0
        for y in 0..<size {
            for x in 0..<size {
                // 4x4 samples near the centre, where the profile is steep; one sample elsewhere.
                let near = abs(Double(x) - cx) < 3 + re && abs(Double(y) - cy) < 3 + re && re < 6
                let sub = near ? 4 : 1
                var sum = 0.0
                for j in 0..<sub {
                    for i in 0..<sub {
                        let dx = Double(x) - cx + (Double(i) + 0.5) / Double(sub) - 0.5
                        let dy = Double(y) - cy + (Double(j) + 0.5) / Double(sub) - 0.5
                        let major = dx * c + dy * s, minor = -dx * s + dy * c
                        let r = (major * major + minor * minor / (q * q)).squareRoot()
                        sum += exp(-b * (pow(max(r, 1e-6) / re, 1 / n) - 1))
                    }
                }
                profile[y * size + x] = sum / Double(sub * sub)
                total += sum / Double(sub * sub)
            }
        }
        return normalised(profile, total)
    }

    /// A circular Gaussian of standard deviation `sigma` pixels (star-forming knots).
    static func gaussian(size: Int, x cx: Double, y cy: Double, sigma: Double) -> [Float] {
        var profile = [Double](repeating: 0, count: size * size)
        var total = 0.0
        for y in 0..<size {
            for x in 0..<size {
                let d2 = (Double(x) - cx) * (Double(x) - cx) + (Double(y) - cy) * (Double(y) - cy)
                profile[y * size + x] = exp(-d2 / (2 * sigma * sigma))
                total += profile[y * size + x]
            }
        }
        return normalised(profile, total)
    }

    /// Adds `flux` times a unit-sum `profile`.
    mutating func add(_ profile: [Float], flux: Double) {
        let f = Float(flux)
        for i in 0..<pixels.count { pixels[i] += f * profile[i] }
    }

    private static func normalised(_ profile: [Double], _ total: Double) -> [Float] {
        total > 0 ? profile.map { Float($0 / total) } : [Float](repeating: 0, count: profile.count)
    }

    /// Adds `flux` at a point, split bilinearly over the four nearest pixels (a star or nucleus before the PSF).
    mutating func addPoint(x: Double, y: Double, flux: Double) {
        let x0 = Int(x.rounded(.down)), y0 = Int(y.rounded(.down))
        let fx = x - Double(x0), fy = y - Double(y0)
        for (dx, dy, w) in [(0, 0, (1 - fx) * (1 - fy)), (1, 0, fx * (1 - fy)), (0, 1, (1 - fx) * fy), (1, 1, fx * fy)] {
            let (px, py) = (x0 + dx, y0 + dy)
            if px >= 0, py >= 0, px < size, py < size { pixels[py * size + px] += Float(flux * w) }
        }
    }

    /// Multiplies by `1 - depth * exp(-d² / 2w²)` where d is the distance from the line through (cx, cy) at
    /// `angle`: a dust lane along an edge-on disk's major axis.
    mutating func attenuateLane(x cx: Double, y cy: Double, angle: Double, width: Double, depth: Double) {
        let (c, s) = (cos(angle), sin(angle))
        for y in 0..<size {
            for x in 0..<size {
                let d = -(Double(x) - cx) * s + (Double(y) - cy) * c
                pixels[y * size + x] *= Float(1 - depth * exp(-d * d / (2 * width * width)))
            }
        }
    }

    /// The canvas convolved with `psf` (zero outside the canvas).
    func convolved(with psf: SyntheticPSF) -> SyntheticCanvas {
        var out = SyntheticCanvas(size: size)
        let r = psf.radius, k = 2 * r + 1
        pixels.withUnsafeBufferPointer { src in
            psf.kernel.withUnsafeBufferPointer { kernel in
                out.pixels.withUnsafeMutableBufferPointer { dst in
                    for y in 0..<size {
                        for x in 0..<size {
                            var sum: Float = 0
                            for j in max(0, r - y)..<min(k, size + r - y) {
                                let row = (y + j - r) * size
                                for i in max(0, r - x)..<min(k, size + r - x) { sum += kernel[j * k + i] * src[row + x + i - r] }
                            }
                            dst[y * size + x] = sum
                        }
                    }
                }
            }
        }
        return out
    }

    /// b_n with ∫ inside r_e = half the light (Ciotti & Bertin 1999 expansion; good to 1e-4 for n ≥ 0.36).
    static func sersicB(_ n: Double) -> Double {
        2 * n - 1.0 / 3 + 4 / (405 * n) + 46 / (25515 * n * n) + 131 / (1148175 * n * n * n)
    }
}

/// A Moffat PSF, I(r) ∝ (1 + (r/α)²)^-β with FWHM = 2α sqrt(2^(1/β) - 1), on the native grid, normalised to
/// unit sum. SDSS seeing is about 1.0-1.8 arcsec FWHM with Moffat β ≈ 3-4 wings.
struct SyntheticPSF {
    let radius: Int
    let kernel: [Float]

    init(fwhmPixels: Double, beta: Double = 3.5) {
        let alpha = fwhmPixels / (2 * (pow(2, 1 / beta) - 1).squareRoot())
        radius = max(2, Int((2.5 * fwhmPixels).rounded(.up)))
        let k = 2 * radius + 1
        var values = [Double](repeating: 0, count: k * k)
        for j in 0..<k {
            for i in 0..<k {
                let dx = Double(i - radius), dy = Double(j - radius)
                values[j * k + i] = pow(1 + (dx * dx + dy * dy) / (alpha * alpha), -beta)
            }
        }
        let total = values.reduce(0, +)
        kernel = values.map { Float($0 / total) }
    }
}
