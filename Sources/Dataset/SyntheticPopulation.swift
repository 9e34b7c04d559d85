import Foundation
import SeededRandom

/// The kinds of object in a synthetic field, standing in for the PCC's visual classes.
public enum SyntheticClass: String, Sendable, CaseIterable, Codable {
    /// Perseus dwarf ellipticals / early types: smooth, round-ish, Sersic n ≈ 1-1.5, red, large at fixed magnitude.
    case clusterDwarf
    /// Early types far behind the cluster: compact, concentrated (n ≈ 2.5-5), redder, mostly fainter.
    case backgroundEarlyType
    /// Spirals and irregulars: bluer, disk plus bulge, clumpy star-forming knots.
    case lateType
    /// Disks seen edge-on: very elongated, often with a dust lane.
    case edgeOnDisk
    /// Foreground stars: the PSF only, any colour along the stellar locus.
    case star

    /// The PCC class this kind stands in for (spelled as in `PCC_cat.txt`); stars are not a PCC class.
    public var catalogueClass: String {
        switch self {
        case .clusterDwarf: "Likely dE/ETGcluster candidate"
        case .backgroundEarlyType: "Likely background ETG or unresolved source"
        case .lateType: "Cluster or background LTG"
        case .edgeOnDisk: "Likely cluster or background edge-on disk galaxy"
        case .star: "Star"
        }
    }

    /// The study's binary label: 1 for cluster members (the dE/ETG candidates), 0 for everything else.
    public var memberLabel: Int { self == .clusterDwarf ? 1 : 0 }
}

/// One light component of an object: a shape and its flux in g, r, i (nanomaggies).
struct SyntheticComponent {
    enum Shape {
        case sersic(re: Double, n: Double, q: Double, angle: Double)  // re in arcsec
        case point
        case knot(sigma: Double)                                       // arcsec
    }
    var shape: Shape
    var dx: Double, dy: Double  // offset from the object centre, arcsec
    var flux: (g: Double, r: Double, i: Double)
}

/// The drawn parameters of one object, before rendering.
struct SyntheticDraw {
    var kind: SyntheticClass
    var r: Double
    var gr: Double, ri: Double, iz: Double
    var components: [SyntheticComponent]
    var dustLane: (width: Double, depth: Double, angle: Double)?
}

/// Flux in nanomaggies for an AB-like SDSS magnitude.
func nanomaggies(_ magnitude: Double) -> Double { pow(10, -0.4 * (magnitude - 22.5)) }

extension SeededGenerator {
    mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * Double(nextUniform()) }
    mutating func normal(_ mean: Double, _ sd: Double) -> Double { mean + sd * Double(nextNormal()) }
    /// A magnitude between `bright` and `faint` with more objects towards the faint end (number ∝ 10^(slope m)).
    mutating func magnitude(bright: Double, faint: Double, slope: Double = 0.3) -> Double {
        let a = pow(10, slope * bright), b = pow(10, slope * faint)
        return log10(a + (b - a) * Double(nextUniform())) / slope
    }
}

/// How each class's parameters are drawn. Ranges overlap on purpose (small faint dwarfs against large nearby
/// background early types, red disks, compact dwarfs near stars), so that the task is learnable but not trivial.
enum SyntheticPopulation {
    static func draw(_ kind: SyntheticClass, faintLimit: Double, using rng: inout SeededGenerator) -> SyntheticDraw {
        let angle = rng.uniform(0, .pi)
        switch kind {
        case .clusterDwarf:
            let r = rng.magnitude(bright: 14.5, faint: faintLimit)
            // Size-magnitude relation of Perseus dwarfs (r_e ~ 1-2 kpc at 72 Mpc: 3-6 arcsec), with scatter.
            let re = pow(10, 0.52 - 0.10 * (r - 17) + rng.normal(0, 0.13))
            let n = min(max(rng.normal(1.2 + 0.12 * max(0, 17 - r), 0.25), 0.6), 2.6)
            let q = min(max(rng.normal(0.74, 0.16), 0.35), 1)
            // The cluster's red sequence: g-r about 0.72 at r = 17, bluer when fainter.
            let gr = rng.normal(0.72 - 0.025 * (r - 17), 0.05)
            let ri = rng.normal(0.30 + 0.3 * (gr - 0.72), 0.03), iz = rng.normal(0.18, 0.04)
            var components = [sersic(r: r, gr: gr, ri: ri, re: re, n: n, q: q, angle: angle)]
            if rng.nextUniform() < 0.5 {  // a nucleus: a few per cent of the light in a point source
                let fraction = rng.uniform(0.01, 0.08)
                components[0].scaleFlux(1 - fraction)
                components.append(point(r: r - 2.5 * log10(fraction), gr: gr - 0.05, ri: ri))
            }
            return SyntheticDraw(kind: kind, r: r, gr: gr, ri: ri, iz: iz, components: components)

        case .backgroundEarlyType:
            let r = rng.magnitude(bright: 15.5, faint: faintLimit, slope: 0.45)
            let re = pow(10, 0.12 - 0.13 * (r - 17) + rng.normal(0, 0.17))
            let n = min(max(rng.normal(3.6, 0.8), 1.8), 6)
            let q = min(max(rng.normal(0.65, 0.18), 0.3), 1)
            // Redshifted early types (z ≈ 0.05-0.3): redder in g-r than the cluster's sequence.
            let gr = rng.normal(0.98, 0.12)
            let ri = rng.normal(0.40 + 0.35 * (gr - 0.98), 0.05), iz = rng.normal(0.30, 0.05)
            return SyntheticDraw(kind: kind, r: r, gr: gr, ri: ri, iz: iz,
                                 components: [sersic(r: r, gr: gr, ri: ri, re: re, n: n, q: q, angle: angle)])

        case .lateType:
            let r = rng.magnitude(bright: 14, faint: faintLimit)
            let re = pow(10, 0.55 - 0.12 * (r - 17) + rng.normal(0, 0.15))
            let q = rng.uniform(0.35, 1)
            let diskGR = rng.normal(0.42, 0.12), bulgeGR = rng.normal(0.85, 0.08)
            let bulgeFraction = rng.uniform(0, 0.4), clumpFraction = rng.uniform(0.03, 0.25)
            let diskFraction = 1 - bulgeFraction - clumpFraction
            let gr = -2.5 * log10(diskFraction * pow(10, -0.4 * diskGR) + bulgeFraction * pow(10, -0.4 * bulgeGR)
                                  + clumpFraction * pow(10, -0.4 * (diskGR - 0.2)))
            let ri = rng.normal(0.22 + 0.3 * (gr - 0.45), 0.05), iz = rng.normal(0.12, 0.05)
            var components = [
                sersic(r: r - 2.5 * log10(diskFraction), gr: diskGR, ri: ri - 0.05, re: re, n: rng.uniform(0.8, 1.2), q: q, angle: angle),
            ]
            if bulgeFraction > 0.01 {
                components.append(sersic(r: r - 2.5 * log10(bulgeFraction), gr: bulgeGR, ri: 0.4,
                                         re: re * rng.uniform(0.15, 0.3), n: rng.uniform(2, 4), q: min(1, q + 0.2), angle: angle))
            }
            let clumps = Int(rng.uniform(2, 8))
            for _ in 0..<clumps {  // knots scattered over the disk, in its plane
                let radius = re * rng.uniform(0.2, 1.5), phi = rng.uniform(0, 2 * .pi)
                let (u, v) = (radius * cos(phi), radius * sin(phi) * q)
                var knot = point(r: r - 2.5 * log10(clumpFraction / Double(clumps)), gr: diskGR - 0.25, ri: 0.05)
                knot.shape = .knot(sigma: rng.uniform(0.2, 0.6))
                knot.dx = u * cos(angle) - v * sin(angle)
                knot.dy = u * sin(angle) + v * cos(angle)
                components.append(knot)
            }
            return SyntheticDraw(kind: kind, r: r, gr: gr, ri: ri, iz: iz, components: components)

        case .edgeOnDisk:
            let r = rng.magnitude(bright: 14.5, faint: faintLimit)
            let re = pow(10, 0.50 - 0.12 * (r - 17) + rng.normal(0, 0.15))
            let q = rng.uniform(0.1, 0.3)
            let gr = rng.normal(0.72, 0.14)  // reddened by dust seen through the disk
            let ri = rng.normal(0.32 + 0.3 * (gr - 0.72), 0.05), iz = rng.normal(0.2, 0.05)
            let lane = rng.nextUniform() < 0.6 ? (width: re * q * rng.uniform(0.15, 0.35), depth: rng.uniform(0.3, 0.7), angle: angle) : nil
            var components = [sersic(r: r, gr: gr, ri: ri, re: re, n: rng.uniform(0.7, 1.3), q: q, angle: angle)]
            if rng.nextUniform() < 0.5 {
                components.append(sersic(r: r + rng.uniform(1, 2.5), gr: gr + 0.15, ri: ri + 0.05, re: re * 0.2,
                                         n: 2, q: 0.6, angle: angle))
            }
            return SyntheticDraw(kind: kind, r: r, gr: gr, ri: ri, iz: iz, components: components,
                                 dustLane: lane.map { ($0.width, $0.depth, $0.angle) })

        case .star:
            let r = rng.magnitude(bright: 13, faint: faintLimit, slope: 0.2)
            // Along the stellar locus: hot blue stars to cool red dwarfs.
            let gr = rng.uniform(-0.2, 1.45)
            let ri = gr < 1.1 ? 0.02 + 0.38 * gr + rng.normal(0, 0.04) : 0.45 + 1.6 * (gr - 1.1) + rng.normal(0, 0.08)
            let iz = 0.5 * ri + rng.normal(0, 0.03)
            return SyntheticDraw(kind: kind, r: r, gr: gr, ri: ri, iz: iz, components: [point(r: r, gr: gr, ri: ri)])
        }
    }

    static func sersic(r: Double, gr: Double, ri: Double, re: Double, n: Double, q: Double, angle: Double) -> SyntheticComponent {
        SyntheticComponent(shape: .sersic(re: re, n: n, q: q, angle: angle), dx: 0, dy: 0, flux: fluxes(r: r, gr: gr, ri: ri))
    }

    static func point(r: Double, gr: Double, ri: Double) -> SyntheticComponent {
        SyntheticComponent(shape: .point, dx: 0, dy: 0, flux: fluxes(r: r, gr: gr, ri: ri))
    }

    static func fluxes(r: Double, gr: Double, ri: Double) -> (g: Double, r: Double, i: Double) {
        (nanomaggies(r + gr), nanomaggies(r), nanomaggies(r - ri))
    }
}

extension SyntheticComponent {
    mutating func scaleFlux(_ factor: Double) { flux = (flux.g * factor, flux.r * factor, flux.i * factor) }
}
