import Foundation
import Imaging
import Tensor
import SeededRandom

/// One object of a synthetic field, shaped like a row of the real catalogue joined to its cutout.
public struct SyntheticObject: Sendable {
    /// `SYN-00001`, ... (1-based, like the PCC ids).
    public let name: String
    /// The colour cutout: R, G, B planes from the i, r, g bands through the asinh stretch, on 8-bit levels in 0...1.
    public let image: Image
    public let kind: SyntheticClass
    /// The catalogue class this object stands in for (PCC spelling; "Star" for stars).
    public var className: String { kind.catalogueClass }
    /// 1 for a cluster member (dE/ETG), 0 otherwise.
    public var label: Int { kind.memberLabel }
    /// Total r magnitude (of the light inside the cutout).
    public let rMagnitude: Double
    public let gMinusR: Double
    public let gMinusZ: Double
    public let rMinusI: Double
    /// Whether an under-subtracted i-band sky was added (the study's red artefact).
    public let hasRedArtefact: Bool
    /// Where the object's light is: its half-light ellipse in cutout pixels, after the seeing (for judging saliency maps).
    public let halfLight: SyntheticEllipse
}

/// A synthetic Perseus-like field: the built-in default data for the demo and for tests on a machine without
/// the real cutouts.
///
/// Each object is drawn on SDSS's native 0.396 arcsec/px grid in g, r and i (nanomaggies): Sersic profiles (plus
/// nuclei, bulges, star-forming knots and dust lanes by class, see `SyntheticPopulation`), convolved with a Moffat
/// PSF of random seeing, plus sky and photon noise, faint neighbours, and sometimes an under-subtracted i-band sky.
/// The i, r, g bands then go through the asinh stretch into R, G, B as SDSS's `getjpeg` does, and are resampled
/// to `cutoutSize` pixels of `pixelScale` arcsec (SDSS's cutouts are 0.1 arcsec/px, upsampled from native).
///
/// Object `k` depends only on (`seed`, `k`) and the settings, never on `count` or on threads.
public struct SyntheticField: Sendable {
    public var seed: UInt64
    public var count: Int
    /// Output cutout side in pixels, and its scale in arcsec/px (default: the real cutouts' 200 px at 0.1).
    public var cutoutSize = 200
    public var pixelScale = 0.1
    /// Relative frequency of each kind (normalised when drawing). Default: 45% members, like the balanced bright sample.
    public var classWeights: [SyntheticClass: Double] = [
        .clusterDwarf: 0.45, .backgroundEarlyType: 0.25, .lateType: 0.1, .edgeOnDisk: 0.1, .star: 0.1,
    ]
    /// Faintest r magnitude drawn (the study's bright cut).
    public var faintLimit = 19.4
    /// Seeing FWHM range in arcsec (SDSS median about 1.3-1.4).
    public var seeing: ClosedRange<Double> = 1.0...1.8
    /// Sky noise per native pixel in nanomaggies for g, r, i (SDSS-like depths; i is the noisiest).
    public var skyNoise: [Double] = [0.022, 0.03, 0.045]
    /// Fraction of objects with an under-subtracted i-band sky, which turns the cutout red.
    public var redArtefactRate = 0.04
    /// Mean number of faint neighbours (r 19-23) per cutout.
    public var neighbourRate = 1.5
    /// Display stretch of the (i, r, g) bands (nanomaggies), tuned by eye against the real cutouts: a dark sky
    /// with faint noise, yellow-orange early types, blue-white hot stars.
    public var stretch = AsinhStretch(stretch: 1.2, q: 10, minimum: [0.02], scales: [1, 1.1, 1.5])

    public static let nativeScale = 0.396

    public init(seed: UInt64, count: Int) {
        precondition(count >= 0, "SyntheticField: negative count")
        self.seed = seed
        self.count = count
    }

    /// All objects, rendered in parallel.
    public func generate() -> [SyntheticObject] {
        var objects = [SyntheticObject?](repeating: nil, count: count)
        objects.withUnsafeMutableBufferPointer { out in
            Parallel.forEach(count) { range in
                for k in range { out[k] = object(at: k) }
            }
        }
        return objects.map { $0! }
    }

    /// Object `index` (0-based), rendered on its own.
    public func object(at index: Int) -> SyntheticObject {
        var rng = SeededGenerator(seed: seed ^ (UInt64(index) &+ 1) &* 0xD134_2543_DE82_EF95)
        _ = rng.next()
        let kind = drawKind(&rng)
        let draw = SyntheticPopulation.draw(kind, faintLimit: faintLimit, using: &rng)
        let native = max(9, Int((Double(cutoutSize) * pixelScale / SyntheticField.nativeScale).rounded(.up)))
        var bands = [SyntheticCanvas](repeating: SyntheticCanvas(size: native), count: 3)  // g, r, i
        let centre = Double(native - 1) / 2
        let (cx, cy) = (centre + rng.normal(0, 0.3), centre + rng.normal(0, 0.3))
        render(draw, x: cx, y: cy, into: &bands)

        // Faint neighbours anywhere in the cutout but not on top of the object.
        let neighbours = poisson(neighbourRate, &rng)
        for _ in 0..<neighbours {
            let kind: SyntheticClass = [.backgroundEarlyType, .lateType, .star][Int(rng.next() % 3)]
            var other = SyntheticPopulation.draw(kind, faintLimit: 23, using: &rng)
            let shift = 19 + rng.uniform(0, 4) - other.r
            for c in other.components.indices { other.components[c].scaleFlux(pow(10, -0.4 * shift)) }
            var (nx, ny) = (cx, cy)
            while hypot(nx - cx, ny - cy) < 4 / SyntheticField.nativeScale {
                (nx, ny) = (rng.uniform(0, Double(native - 1)), rng.uniform(0, Double(native - 1)))
            }
            render(other, x: nx, y: ny, into: &bands)
        }

        let fwhm = rng.uniform(seeing.lowerBound, seeing.upperBound) / SyntheticField.nativeScale
        let redArtefact = Double(rng.nextUniform()) < redArtefactRate
        let skyOffset = redArtefact ? rng.uniform(0.15, 0.5) : 0
        for (b, widen) in [1.08, 1.0, 0.95].enumerated() {
            bands[b] = bands[b].convolved(with: SyntheticPSF(fwhmPixels: fwhm * widen))
            for p in 0..<bands[b].pixels.count {
                let signal = Double(bands[b].pixels[p])
                // Sky noise plus photon noise of the object (about 200 electrons per nanomaggy per pixel).
                let sigma = (skyNoise[b] * skyNoise[b] + max(signal, 0) / 200).squareRoot()
                bands[b].pixels[p] = Float(signal + sigma * rng.normal(0, 1) + (b == 2 ? skyOffset : 0))
            }
        }
        let planes = Image(width: native, height: native, channels: 3,
                           pixels: bands[2].pixels + bands[1].pixels + bands[0].pixels)  // i, r, g -> R, G, B
        var image: Image
        do {
            image = try stretch.apply(planes).resized(width: cutoutSize, height: cutoutSize)
        } catch {
            preconditionFailure("SyntheticField: stretch settings do not fit 3 bands: \(error)")
        }
        image.pixels = image.pixels.map { ($0 * 255).rounded() / 255 }  // 8-bit levels, as a cutout file holds
        let ellipse = SyntheticEllipse(observing: draw.components[0], x: cx, y: cy, seeingFWHM: fwhm)
            .resampled(by: Double(cutoutSize) / Double(native))
        return SyntheticObject(name: String(format: "SYN-%05d", index + 1), image: image, kind: kind,
                               rMagnitude: draw.r, gMinusR: draw.gr, gMinusZ: draw.gr + draw.ri + draw.iz,
                               rMinusI: draw.ri, hasRedArtefact: redArtefact, halfLight: ellipse)
    }

    private func drawKind(_ rng: inout SeededGenerator) -> SyntheticClass {
        let kinds = SyntheticClass.allCases.filter { (classWeights[$0] ?? 0) > 0 }
        precondition(!kinds.isEmpty, "SyntheticField: no class has a positive weight")
        let total = kinds.map { classWeights[$0]! }.reduce(0, +)
        var u = Double(rng.nextUniform()) * total
        for kind in kinds {
            u -= classWeights[kind]!
            if u < 0 { return kind }
        }
        return kinds.last!
    }

    private func poisson(_ mean: Double, _ rng: inout SeededGenerator) -> Int {
        var k = 0, p = Double(rng.nextUniform())
        let limit = exp(-mean)
        while p > limit && k < 20 { k += 1; p *= Double(rng.nextUniform()) }
        return k
    }

    private func render(_ draw: SyntheticDraw, x cx: Double, y cy: Double, into bands: inout [SyntheticCanvas]) {
        let scale = SyntheticField.nativeScale, size = bands[0].size
        for component in draw.components {
            let (x, y) = (cx + component.dx / scale, cy + component.dy / scale)
            let fluxes = [component.flux.g, component.flux.r, component.flux.i]
            switch component.shape {
            case let .sersic(re, n, q, angle):
                let profile = SyntheticCanvas.sersic(size: size, x: x, y: y, re: max(re / scale, 0.3), n: n, q: q, angle: angle)
                for b in 0..<3 { bands[b].add(profile, flux: fluxes[b]) }
            case .point:
                for b in 0..<3 { bands[b].addPoint(x: x, y: y, flux: fluxes[b]) }
            case let .knot(sigma):
                let profile = SyntheticCanvas.gaussian(size: size, x: x, y: y, sigma: sigma / scale)
                for b in 0..<3 { bands[b].add(profile, flux: fluxes[b]) }
            }
        }
        if let lane = draw.dustLane {  // dust dims blue light most
            for (b, strength) in [1.0, 0.75, 0.55].enumerated() {
                bands[b].attenuateLane(x: cx, y: cy, angle: lane.angle, width: max(lane.width / scale, 0.5), depth: lane.depth * strength)
            }
        }
    }
}
