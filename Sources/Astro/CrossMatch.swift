import Foundation

/// Great-circle separation of two sky positions, in degrees (the haversine formula, accurate at small angles).
public func angularSeparation(ra1: Double, dec1: Double, ra2: Double, dec2: Double) -> Double {
    let rad = Double.pi / 180
    let sinDDec = sin((dec2 - dec1) * rad / 2)
    let sinDRa = sin((ra2 - ra1) * rad / 2)
    let h = sinDDec * sinDDec + cos(dec1 * rad) * cos(dec2 * rad) * sinDRa * sinDRa
    return 2 * asin(min(1, h.squareRoot())) / rad
}

/// A sky position in degrees.
public struct SkyPosition: Sendable, Equatable {
    public var ra: Double
    public var dec: Double

    public init(ra: Double, dec: Double) {
        self.ra = ra
        self.dec = dec
    }
}

/// The nearest counterpart of one source within the match radius.
public struct SkyMatch: Sendable, Equatable {
    /// Index in the sources searched for.
    public var source: Int
    /// Index of the nearest candidate.
    public var candidate: Int
    public var separationArcsec: Double
}

public struct CrossMatchResult: Sendable {
    public var matches: [SkyMatch]
    /// Sources with no candidate within the radius.
    public var unmatched: [Int]
}

/// For each source, the nearest candidate within `radiusArcsec`. Candidates are sorted by declination once, and each
/// source looks only at the declination band of the radius, so large catalogues cost O((n + m) log m) plus the
/// candidates in the band, not O(n m). Exact near the poles and across RA 0/360 (separations are great-circle).
public func crossMatch(_ sources: [SkyPosition], _ candidates: [SkyPosition],
                       radiusArcsec: Double) -> CrossMatchResult {
    let radius = radiusArcsec / 3600
    let order = candidates.indices.sorted { candidates[$0].dec < candidates[$1].dec }
    let decs = order.map { candidates[$0].dec }
    var matches: [SkyMatch] = []
    var unmatched: [Int] = []
    for (s, p) in sources.enumerated() {
        // First candidate with dec >= p.dec - radius.
        var lo = 0
        var hi = decs.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if decs[mid] < p.dec - radius { lo = mid + 1 } else { hi = mid }
        }
        var best: (Int, Double)?
        var k = lo
        while k < decs.count && decs[k] <= p.dec + radius {
            let c = order[k]
            let d = angularSeparation(ra1: p.ra, dec1: p.dec, ra2: candidates[c].ra, dec2: candidates[c].dec)
            if d <= radius && (best == nil || d < best!.1 || (d == best!.1 && c < best!.0)) { best = (c, d) }
            k += 1
        }
        if let best {
            matches.append(SkyMatch(source: s, candidate: best.0, separationArcsec: best.1 * 3600))
        } else {
            unmatched.append(s)
        }
    }
    return CrossMatchResult(matches: matches, unmatched: unmatched)
}

/// How one catalogue's rows find their counterparts in another.
public enum JoinKey: Sendable {
    /// Same `id` (a cross-match table that carries the other catalogue's names, like `name` = PCC id).
    case id
    /// Nearest position within a radius.
    case position(radiusArcsec: Double)
}

/// What a join did: how many objects found a counterpart, and which did not.
public struct JoinReport: Sendable, CustomStringConvertible {
    public var other: String
    public var matched: Int
    public var unmatchedIDs: [String]

    public var description: String {
        "joined \(other): \(matched) matched, \(unmatchedIDs.count) without a counterpart"
    }
}

extension Catalog {
    /// One object table from two catalogues: every object of `self` keeps its own id, position, magnitude and class,
    /// and takes from its counterpart in `other` whatever it lacks (objID, specObjID, photometry, extinction,
    /// redshift, flags, spectral class, photometric type, label), plus the counterpart's other columns in `extra`
    /// (under `prefix` + name when `self` already has that column). Objects without a counterpart stay, unchanged,
    /// and are listed in the report.
    public func joined(with other: Catalog, on key: JoinKey, prefix: String = "") -> (Catalog, JoinReport) {
        var counterpart: [Int?] = Array(repeating: nil, count: objects.count)
        switch key {
        case .id:
            var byID: [String: Int] = [:]
            for (j, o) in other.objects.enumerated() where byID[o.id] == nil { byID[o.id] = j }
            for (i, o) in objects.enumerated() { counterpart[i] = byID[o.id] }
        case .position(let radius):
            let result = crossMatch(objects.map { SkyPosition(ra: $0.ra, dec: $0.dec) },
                                    other.objects.map { SkyPosition(ra: $0.ra, dec: $0.dec) }, radiusArcsec: radius)
            for m in result.matches { counterpart[m.source] = m.candidate }
        }
        var joined = self
        var unmatched: [String] = []
        for i in objects.indices {
            guard let j = counterpart[i] else {
                unmatched.append(objects[i].id)
                continue
            }
            let b = other.objects[j]
            var a = joined.objects[i]
            a.objID = a.objID ?? b.objID
            a.specObjID = a.specObjID ?? b.specObjID
            a.photometry = a.photometry ?? b.photometry
            a.extinction = a.extinction ?? b.extinction
            a.correctedR = a.correctedR ?? b.correctedR
            a.correctedGMinusZ = a.correctedGMinusZ ?? b.correctedGMinusZ
            a.redshift = a.redshift ?? b.redshift
            a.flags = a.flags ?? b.flags
            a.spectralClass = a.spectralClass ?? b.spectralClass
            a.photoType = a.photoType ?? b.photoType
            // A catalogue class is the object's label source (its PCC class, for --classes pcc7 too): a joined
            // table's label column (the study's 0/1 membership in sdss_crossmatch_bright.csv) must not replace it.
            if a.labelText == nil, a.objectClass == nil { (a.label, a.labelText) = (b.label, b.labelText) }
            for (name, value) in b.extra {
                let key = a.extra[name] == nil && prefix.isEmpty ? name : prefix + name
                a.extra[key] = value
            }
            joined.objects[i] = a
        }
        joined.columns += other.columns.map { columns.contains($0) ? prefix + $0 : $0 }
        let report = JoinReport(other: other.source, matched: objects.count - unmatched.count, unmatchedIDs: unmatched)
        return (joined, report)
    }
}
