import Foundation

/// An ellipse on an image grid, in pixels with (0, 0) at the centre of the top-left pixel and y down: where a
/// synthetic object's light is, for judging whether a saliency map looks at the object.
public struct SyntheticEllipse: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public var semiMajor: Double
    public var semiMinor: Double
    /// Direction of the major axis, radians from +x towards +y.
    public var angle: Double
}

extension SyntheticEllipse {
    /// The observed half-light ellipse of a component centred at (x, y) on the native grid: the Sersic
    /// half-light radius along each axis widened by the seeing in quadrature (a Gaussian's half-light radius is
    /// FWHM/2); a point source is a circle of radius FWHM/2. An approximation, good to ~10% for these profiles.
    init(observing component: SyntheticComponent, x: Double, y: Double, seeingFWHM fwhm: Double) {
        let seeing = fwhm / 2
        switch component.shape {
        case let .sersic(re, _, q, angle):
            let a = re / SyntheticField.nativeScale
            self.init(x: x + component.dx / SyntheticField.nativeScale, y: y + component.dy / SyntheticField.nativeScale,
                      semiMajor: (a * a + seeing * seeing).squareRoot(),
                      semiMinor: (a * a * q * q + seeing * seeing).squareRoot(), angle: angle)
        case .point, .knot:
            self.init(x: x, y: y, semiMajor: seeing, semiMinor: seeing, angle: 0)
        }
    }

    /// The same ellipse on a grid resampled by `factor` (output pixels per input pixel), pixel centres mapped as
    /// an area resize maps them.
    public func resampled(by factor: Double) -> SyntheticEllipse {
        SyntheticEllipse(x: (x + 0.5) * factor - 0.5, y: (y + 0.5) * factor - 0.5,
                         semiMajor: semiMajor * factor, semiMinor: semiMinor * factor, angle: angle)
    }

    public func contains(x px: Double, y py: Double) -> Bool {
        let (dx, dy) = (px - x, py - y)
        let (c, s) = (cos(angle), sin(angle))
        let u = (dx * c + dy * s) / semiMajor, v = (-dx * s + dy * c) / semiMinor
        return u * u + v * v <= 1
    }

    /// Fraction of a `width` x `height` grid's pixel centres inside the ellipse.
    public func areaFraction(width: Int, height: Int) -> Double {
        var inside = 0
        for y in 0..<height { for x in 0..<width where contains(x: Double(x), y: Double(y)) { inside += 1 } }
        return Double(inside) / Double(max(1, width * height))
    }
}
