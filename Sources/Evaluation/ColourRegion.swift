// Colour regions of the colour-magnitude diagram, measured as offsets below the fitted red sequence in units of its
// scatter, and the classification metrics within each region (the study reports accuracy per region).

/// Where an object sits relative to the red sequence in r vs g-z.
public enum ColourRegion: String, Sendable, CaseIterable, Codable {
    case blueCloud = "blue cloud"
    case greenValley = "green valley/red shoulder"
    case redSequence = "red sequence"
}

/// Region boundaries as offsets below the red sequence, in units of its scatter σ.
///
/// With offset d = (g-z − sequence(r)) / σ: red sequence d ≥ −`redSequenceBelow` (everything redder included);
/// green valley/red shoulder −`blueCloudBelow` ≤ d < −`redSequenceBelow`; blue cloud d < −`blueCloudBelow`.
/// The defaults (2σ and 5σ) put the red sequence's own 2σ envelope in it and leave a shoulder about as wide as
/// three scatters below it.
public struct ColourRegionBoundaries: Sendable, Equatable {
    public var redSequenceBelow: Double
    public var blueCloudBelow: Double

    public init(redSequenceBelow: Double = 2.0, blueCloudBelow: Double = 5.0) {
        precondition(blueCloudBelow >= redSequenceBelow,
                     "ColourRegionBoundaries: blueCloudBelow \(blueCloudBelow) must be at least redSequenceBelow \(redSequenceBelow)")
        self.redSequenceBelow = redSequenceBelow
        self.blueCloudBelow = blueCloudBelow
    }

    public func region(offset d: Double) -> ColourRegion {
        if d >= -redSequenceBelow { return .redSequence }
        if d >= -blueCloudBelow { return .greenValley }
        return .blueCloud
    }

    /// The g-z colour of the lower edge of `region` at magnitude r (`-infinity` for the blue cloud).
    public func lowerEdge(of region: ColourRegion, sequence: RedSequence, magnitude r: Double) -> Double {
        switch region {
        case .redSequence: sequence.colour(atMagnitude: r) - redSequenceBelow * sequence.scatter
        case .greenValley: sequence.colour(atMagnitude: r) - blueCloudBelow * sequence.scatter
        case .blueCloud: -.infinity
        }
    }
}

extension RedSequence {
    /// The region of an object at magnitude r and colour g-z.
    public func region(magnitude r: Double, colour: Double, boundaries: ColourRegionBoundaries = .init()) -> ColourRegion {
        boundaries.region(offset: offset(magnitude: r, colour: colour))
    }
}

/// The metrics of the objects in one colour region.
public struct RegionEvaluation: Sendable, Equatable {
    public var region: ColourRegion
    /// Indices of the objects in the region.
    public var members: [Int]
    public var report: ClassificationReport
}

/// Classification metrics per colour region: every object is placed by its r and g-z with `sequence` and
/// `boundaries`, then each region gets its own confusion matrix and report (regions in blue-to-red order; a region
/// with no objects is kept with an empty matrix and zero metrics).
public func evaluateByColourRegion(magnitude: [Double], colour: [Double], truth: [Int], predicted: [Int],
                                   sequence: RedSequence, boundaries: ColourRegionBoundaries = .init(),
                                   classCount: Int = 2, classNames: [String]? = nil) throws -> [RegionEvaluation] {
    let n = truth.count
    for (name, count) in [("magnitude", magnitude.count), ("colour", colour.count), ("predicted", predicted.count)] where count != n {
        throw EvaluationError.lengthMismatch("evaluateByColourRegion", ("truth", name), (n, count))
    }
    return try ColourRegion.allCases.map { region in
        let members = (0..<n).filter { sequence.region(magnitude: magnitude[$0], colour: colour[$0], boundaries: boundaries) == region }
        let report = try ClassificationReport(truth: members.map { truth[$0] }, predicted: members.map { predicted[$0] },
                                              classCount: classCount, classNames: classNames)
        return RegionEvaluation(region: region, members: members, report: report)
    }
}
