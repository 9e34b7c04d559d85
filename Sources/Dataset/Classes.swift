import Astro

/// The classes a dataset's labels number: label i is `names[i]`. Binary membership (background 0, member 1) is the
/// study's and the default; a dataset written before classes were recorded is binary.
public enum ClassList: Sendable, Equatable {
    /// background, member: the study's membership from the PCC classes (mergers left out) or from redshifts.
    case member
    /// The PCC's morphological classes, each its own class; the mergers in (seven) or left out (six).
    case pcc7(mergers: Bool)
    /// Classes named by the user, in label order.
    case named([String])

    public static let memberNames = ["background", "member"]

    /// `member`, `pcc7`, `pcc7-without-mergers`, or comma-separated class names.
    public init(parsing text: String) throws {
        switch text {
        case "member": self = .member
        case "pcc7": self = .pcc7(mergers: true)
        case "pcc7-without-mergers": self = .pcc7(mergers: false)
        default:
            let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard names.count >= 2, Set(names).count == names.count else {
                throw ConfigurationError(message: "--classes takes member, pcc7, pcc7-without-mergers, or two or more distinct class names separated by commas, not '\(text)'")
            }
            self = names == Self.memberNames ? .member : .named(names)
        }
    }

    /// The list for a run's class names.
    public init(names: [String]) {
        self = names == Self.memberNames ? .member : .named(names)
    }

    public var names: [String] {
        switch self {
        case .member: Self.memberNames
        case .pcc7(let mergers): mergers ? PCCClasses.all : PCCClasses.all.filter { $0 != PCCClasses.merger }
        case .named(let names): names
        }
    }

    /// The label of a PCC morphological class, or nil for a class left out (or no class).
    public func label(forPCCClass objectClass: String?, membership: PCCLabelMapping) -> Int? {
        switch self {
        case .member: return membership.label(forClass: objectClass)
        case .pcc7, .named: return objectClass.flatMap { names.firstIndex(of: $0) }
        }
    }

    /// The label a label column's value stands for: a class name, or a class number below the class count.
    public func label(forText text: String) -> Int? {
        if let index = names.firstIndex(of: text) { return index }
        if let number = Int(text), names.indices.contains(number) { return number }
        return nil
    }

    /// The classes a label column's values name when no list was given: numbers 0 and 1 (or the names background
    /// and member) are membership; other numbers 0..<K are classes "0" ... "K-1"; names are their sorted distinct
    /// values.
    public static func inferred(fromLabels values: [String]) -> ClassList {
        let distinct = Set(values)
        if distinct.isSubset(of: ["0", "1"]) || distinct.isSubset(of: Set(memberNames)) { return .member }
        let numbers = distinct.compactMap { Int($0) }
        if numbers.count == distinct.count, let top = numbers.max(), numbers.allSatisfy({ $0 >= 0 }) {
            return .named((0...top).map(String.init))
        }
        return .named(distinct.sorted())
    }
}
