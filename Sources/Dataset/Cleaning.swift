import Astro
import Foundation

/// Where the star rule looks for evidence that an object is a star.
public enum StarEvidence: Sendable {
    /// SDSS spectroscopic `class` is STAR.
    case spectralClass
    /// SDSS photometric `type` is STAR.
    case photoType
    /// Either of the two.
    case either
}

/// What the red-artefact rule does with an object that has no red-pixel measurement.
public enum UnmeasuredRed: Sendable {
    case keep
    case remove
}

/// The cleaning rules, applied in this order: objects without an image, the magnitude cut, objects the labelling
/// left out, images dominated by red artefacts, SDSS flags, stars. A rule set to nil (or empty) is skipped.
public struct CleaningRules: Sendable {
    public var requireImage: Bool = true
    /// Keep magnitude <= this (the study: 19.4). Objects without a magnitude are removed when set.
    public var maxMagnitude: Double? = 19.4
    /// Remove objects without a label (by default the PCC's mergers).
    public var requireLabel: Bool = true
    /// Remove images whose red-pixel fraction is above this (the study: more than 50%).
    public var maxRedFraction: Double? = 0.5
    public var unmeasuredRed: UnmeasuredRed = .keep
    /// Remove objects with any of these SDSS photo flags set (names as in `PhotoFlags.table`).
    public var rejectFlags: [String] = []
    public var removeStars: StarEvidence? = nil

    public init() {}

    /// The study's rules as they can be reproduced from its tables: bright cut, mergers out, red cut from the
    /// `reds` column, where an object the study's table does not list has been dropped by the study (its table only
    /// lists the objects it kept), no image requirement (the shared cutouts cover a subset), no flag or star rule.
    public static var studyFromTable: CleaningRules {
        var r = CleaningRules()
        r.requireImage = false
        r.unmeasuredRed = .remove
        return r
    }
}

/// One object a rule removed, and why.
public struct Removal: Sendable, Equatable {
    public var id: String
    public var reason: String
}

/// One rule's effect.
public struct CleaningStep: Sendable {
    public var rule: String
    public var before: Int
    public var removed: [Removal]
    public var after: Int { before - removed.count }
}

/// What cleaning did, rule by rule, and what is left. `description` is a table; `details` lists every removal.
public struct CleaningReport: Sendable, CustomStringConvertible {
    public var initial: Int
    public var steps: [CleaningStep]
    /// Kept objects per label (nil = unlabelled).
    public var labelCounts: [Int?: Int]
    /// The name of each label, for the summary.
    public var classNames = ClassList.memberNames

    public var final: Int { steps.last?.after ?? initial }

    public var description: String {
        let width = max(30, steps.map(\.rule.count).max() ?? 0)
        func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: n, withPad: " ", startingAt: 0) }
        func num(_ v: Int) -> String { String(repeating: " ", count: max(0, 8 - String(v).count)) + String(v) }
        var lines = [pad("rule", width) + "  before removed   after"]
        lines.append(String(repeating: "-", count: width + 26))
        for s in steps { lines.append(pad(s.rule, width) + num(s.before) + num(s.removed.count) + num(s.after)) }
        lines.append(String(repeating: "-", count: width + 26))
        let labels = labelCounts.keys.sorted { ($0 ?? -1) < ($1 ?? -1) }.map { key -> String in
            let name = key.map { classNames.indices.contains($0) ? classNames[$0] : "label \($0)" } ?? "unlabelled"
            return "\(name) \(labelCounts[key]!)"
        }
        lines.append("kept \(final) of \(initial): " + labels.joined(separator: ", "))
        return lines.joined(separator: "\n")
    }

    /// Every removed object with its rule and reason.
    public var details: String {
        steps.filter { !$0.removed.isEmpty }.map { step in
            "\(step.rule) (\(step.removed.count)):\n" + step.removed.map { "  \($0.id): \($0.reason)" }.joined(separator: "\n")
        }.joined(separator: "\n")
    }
}

public struct CleaningError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// Applies the rules in order. `redFraction` holds each object's red-pixel fraction (0...1) by id, computed by the
/// caller with Imaging's `redPixelFraction` or read from a catalogue column (`redFractions(fromPercentColumn:of:)`).
public func clean(_ objects: [LabelledObject], rules: CleaningRules,
                  redFraction: [String: Double] = [:]) throws -> (kept: [LabelledObject], report: CleaningReport) {
    let rejectMask = try PhotoFlags(names: rules.rejectFlags)
    var current = objects
    var steps: [CleaningStep] = []
    func apply(_ rule: String, _ reason: (LabelledObject) -> String?) {
        var kept: [LabelledObject] = []
        var removed: [Removal] = []
        for o in current {
            if let why = reason(o) { removed.append(Removal(id: o.id, reason: why)) } else { kept.append(o) }
        }
        steps.append(CleaningStep(rule: rule, before: current.count, removed: removed))
        current = kept
    }
    if rules.requireImage {
        apply("catalogue rows without an image") { $0.image == nil ? "no image file" : nil }
    }
    if let limit = rules.maxMagnitude {
        apply("magnitude <= \(limit)") { o in
            guard let m = o.object.magnitude else { return "no magnitude" }
            return m <= limit ? nil : "magnitude \(m) > \(limit)"
        }
    }
    if rules.requireLabel {
        apply("no label (class left out)") { o in
            o.label != nil ? nil : "class '\(o.object.objectClass ?? "none")' has no label"
        }
    }
    if let limit = rules.maxRedFraction {
        apply("red-dominated (> \(Int(limit * 100))% red pixels)") { o in
            guard let f = redFraction[o.id] else {
                return rules.unmeasuredRed == .remove ? "no red-pixel measurement" : nil
            }
            return f > limit ? String(format: "%.1f%% red pixels", f * 100) : nil
        }
    }
    if !rejectMask.isEmpty {
        apply("SDSS flags \(rules.rejectFlags.joined(separator: ","))") { o in
            guard let flags = o.object.flags else { return nil }
            let hit = flags.intersection(rejectMask)
            return hit.isEmpty ? nil : "flags " + hit.names.joined(separator: " ")
        }
    }
    if let evidence = rules.removeStars {
        apply("stars") { o in
            let spec = o.object.spectralClass?.uppercased() == "STAR"
            let photo = o.object.photoType?.uppercased() == "STAR"
            switch evidence {
            case .spectralClass: return spec ? "spectral class STAR" : nil
            case .photoType: return photo ? "photometric type STAR" : nil
            case .either: return spec ? "spectral class STAR" : photo ? "photometric type STAR" : nil
            }
        }
    }
    let counts = Dictionary(grouping: current, by: \.label).mapValues(\.count)
    return (current, CleaningReport(initial: objects.count, steps: steps, labelCounts: counts))
}
