import Foundation

/// The asinh stretch of Lupton et al. (2004, PASP 116, 133) that SDSS uses for its colour JPEGs, as implemented
/// by astropy's `make_lupton_rgb` (`AsinhMapping`), mapping physical values to display values in 0...1.
///
/// For each pixel, after subtracting `minimum` from every band and multiplying it by its `scales` entry:
///   I = mean over bands;  F(I) = asinh(Q * I / stretch) * slope / I  with  slope = 0.1 / asinh(0.1 * Q);
///   each band becomes value * F(I) (so colours, the ratios between bands, are kept).
/// Where a band would exceed 1, all bands of that pixel are divided by the largest (again keeping colour);
/// negative values clip to 0.
/// - `stretch`: the linear range of the mapping, in data units; I ≈ `stretch` maps to about 0.1 * asinh(Q) / asinh(0.1 Q).
/// - `q`: the softening; larger Q compresses bright regions more (Q → 0 is a linear stretch).
/// - `minimum`: the black level per band (the sky), one value or one per band.
/// - `scales`: per-band multipliers applied first (colour balance), one value or one per band.
public struct AsinhStretch: Sendable, Equatable {
    public var stretch: Float
    public var q: Float
    public var minimum: [Float]
    public var scales: [Float]

    public init(stretch: Float = 5, q: Float = 8, minimum: [Float] = [0], scales: [Float] = [1]) {
        precondition(stretch > 0, "AsinhStretch: stretch must be positive")
        self.stretch = stretch
        self.q = q
        self.minimum = minimum
        self.scales = scales
    }

    /// The stretched image, same channels in the same order (reorder bands with `Image.selectingChannels`).
    public func apply(_ image: Image) throws -> Image {
        let n = image.channels
        func perBand(_ values: [Float], _ what: String) throws -> [Float] {
            if values.count == 1 { return Array(repeating: values[0], count: n) }
            guard values.count == n else {
                throw ImageError(.badArgument, "asinh stretch",
                                 "\(values.count) \(what) values for an image with \(n) channels")
            }
            return values
        }
        let minimum = try perBand(self.minimum, "minimum"), scales = try perBand(self.scales, "scale")
        let q = abs(self.q) < 1.0 / 8_388_608 ? Float(0.1) : min(self.q, 1e10)
        let slope = 0.1 / asinh(0.1 * q), soften = q / stretch
        let plane = image.width * image.height
        var out = image
        out.pixels.withUnsafeMutableBufferPointer { p in
            var values = [Float](repeating: 0, count: n)
            for i in 0..<plane {
                var intensity: Float = 0
                for c in 0..<n {
                    values[c] = (p[c * plane + i] - minimum[c]) * scales[c]
                    intensity += values[c]
                }
                intensity /= Float(n)
                let factor = intensity > 0 ? asinh(intensity * soften) * slope / intensity : 0
                var largest: Float = 0
                for c in 0..<n {
                    values[c] = max(values[c] * factor, 0)
                    largest = max(largest, values[c])
                }
                let fit = largest > 1 ? 1 / largest : 1
                for c in 0..<n { p[c * plane + i] = values[c] * fit }
            }
        }
        return out
    }
}
