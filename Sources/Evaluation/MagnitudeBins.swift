// Membership by brightness: member recall and precision in bins of r magnitude, so that where faint members are
// lost (or background objects called members) shows beside the overall figure.

/// One bin of r magnitude, `lower < r <= upper` (an open end where nil).
public struct MagnitudeBin: Sendable, Equatable {
    public var lower: Double?
    public var upper: Double?

    public var label: String {
        switch (lower, upper) {
        case let (nil, upper?): "r <= \(upper)"
        case let (lower?, nil): "r > \(lower)"
        case let (lower?, upper?): "\(lower) < r <= \(upper)"
        case (nil, nil): "all r"
        }
    }

    public func contains(_ r: Double) -> Bool { (lower.map { r > $0 } ?? true) && (upper.map { r <= $0 } ?? true) }

    /// The bins between `edges` (ascending), open at both ends: the default splits the study's bright limit (19.4)
    /// from the faint end in steps of about a magnitude.
    public static func between(_ edges: [Double] = [19.4, 20.5, 21.5]) -> [MagnitudeBin] {
        let bounds: [Double?] = [nil] + edges.map { $0 } + [nil]
        return zip(bounds, bounds.dropFirst()).map { MagnitudeBin(lower: $0, upper: $1) }
    }
}

/// Membership's counts in one magnitude bin (class 1 is member).
public struct MagnitudeBinEvaluation: Sendable, Equatable {
    public var bin: MagnitudeBin
    public var objects: Int
    public var members: Int
    public var predictedMembers: Int
    public var membersFound: Int

    /// Members found over members; nil when the bin has none.
    public var recall: Double? { members > 0 ? Double(membersFound) / Double(members) : nil }
    /// Members found over objects called members; nil when none was.
    public var precision: Double? { predictedMembers > 0 ? Double(membersFound) / Double(predictedMembers) : nil }
}

/// Member recall and precision per magnitude bin; objects without a magnitude are in no bin.
public func evaluateByMagnitude(magnitude: [Double?], truth: [Int], predicted: [Int],
                                bins: [MagnitudeBin] = MagnitudeBin.between()) -> [MagnitudeBinEvaluation] {
    bins.map { bin in
        let inside = magnitude.indices.filter { magnitude[$0].map(bin.contains) ?? false }
        return MagnitudeBinEvaluation(bin: bin, objects: inside.count,
                                      members: inside.filter { truth[$0] == 1 }.count,
                                      predictedMembers: inside.filter { predicted[$0] == 1 }.count,
                                      membersFound: inside.filter { truth[$0] == 1 && predicted[$0] == 1 }.count)
    }
}
