/// The study's binary labels from the PCC morphological classes: member (1) or background (0); a class in neither
/// set (by default the 23 mergers) gets no label and is left out.
public struct PCCLabelMapping: Sendable, Equatable {
    public var member: Set<String>
    public var background: Set<String>

    public init(member: Set<String>, background: Set<String>) {
        precondition(member.isDisjoint(with: background), "PCCLabelMapping: a class cannot be both member and background")
        self.member = member
        self.background = background
    }

    /// The study's mapping, class names spelled as in `PCC_cat.txt`.
    public static let study = PCCLabelMapping(
        member: ["Likely dE/ETGcluster candidate", "Possible dE/ETGcluster candidate"],
        background: [
            "Cluster or background LTG",
            "Likely background ETG or unresolved source",
            "Likely cluster or background edge-on disk galaxy",
            "Cluster or background galaxy with possibly weak substructure",
        ])

    /// 1 for a member class, 0 for a background class, nil for a class left out (or no class).
    public func label(forClass objectClass: String?) -> Int? {
        guard let objectClass else { return nil }
        if member.contains(objectClass) { return 1 }
        if background.contains(objectClass) { return 0 }
        return nil
    }
}

/// The PCC's seven morphological classes, spelled as in `PCC_cat.txt`: the two dE/ETG candidate classes first, then
/// the background kinds, the mergers last.
public enum PCCClasses {
    public static let merger = "Likely merging system"
    public static let all = [
        "Likely dE/ETGcluster candidate", "Possible dE/ETGcluster candidate", "Cluster or background LTG",
        "Likely background ETG or unresolved source", "Likely cluster or background edge-on disk galaxy",
        "Cluster or background galaxy with possibly weak substructure", merger,
    ]
}

/// What a spectroscopic redshift says an object is.
public enum RedshiftClass: String, Sendable {
    case star, member, background
}

/// Labels from spectroscopic redshift: star below `starBelow`, cluster member from there up to `memberBelow`,
/// background above. Stars count as 0 (not a member). The study's bounds: 0.01 and 0.033 (Perseus is at z = 0.018).
public struct RedshiftLabeling: Sendable, Equatable {
    public var starBelow: Double
    public var memberBelow: Double

    public init(starBelow: Double = 0.01, memberBelow: Double = 0.033) {
        precondition(starBelow <= memberBelow, "RedshiftLabeling: star bound above member bound")
        self.starBelow = starBelow
        self.memberBelow = memberBelow
    }

    public static let study = RedshiftLabeling()

    public func classify(_ z: Double) -> RedshiftClass {
        if z < starBelow { return .star }
        if z < memberBelow { return .member }
        return .background
    }

    /// 1 for a cluster member, 0 for a star or a background object.
    public func label(_ z: Double) -> Int { classify(z) == .member ? 1 : 0 }
}
