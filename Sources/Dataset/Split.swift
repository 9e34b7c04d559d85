import SeededRandom

/// Train, validation and test objects, as indices into the list that was split.
public struct DatasetSplit: Sendable, Equatable {
    public var train: [Int]
    public var validation: [Int]
    public var test: [Int]
}

public struct SplitOptions: Sendable {
    /// Fraction of the objects held out for testing (the study: 0.25).
    public var testFraction: Double = 0.25
    /// Fraction of the remaining objects held out for validation (the study: 0.25).
    public var validationFraction: Double = 0.25
    public var seed: UInt64
    /// Undersample the larger class in each split, so each split has as many members as background objects.
    public var balance: Bool = false

    public init(seed: UInt64, testFraction: Double = 0.25, validationFraction: Double = 0.25, balance: Bool = false) {
        self.seed = seed
        self.testFraction = testFraction
        self.validationFraction = validationFraction
        self.balance = balance
    }
}

/// Splits by object, before any augmentation: entries that share an id stay together, so no object (nor any of its
/// rotations, made later) is in two splits. Stratified: each label is split in the same proportions, test first,
/// then validation from the rest. The same seed always gives the same split.
public func splitByObject(ids: [String], labels: [Int], options: SplitOptions) -> DatasetSplit {
    precondition(ids.count == labels.count, "splitByObject: \(ids.count) ids but \(labels.count) labels")
    // Groups of entries per object, in first-seen order, keyed by the object's (first) label.
    var groupOf: [String: Int] = [:]
    var groups: [[Int]] = []
    for (i, id) in ids.enumerated() {
        if let g = groupOf[id] { groups[g].append(i) } else { groupOf[id] = groups.count; groups.append([i]) }
    }
    var rng = SeededGenerator(seed: options.seed)
    var split = DatasetSplit(train: [], validation: [], test: [])
    var perLabel: [Int: (train: [Int], validation: [Int], test: [Int])] = [:]
    for label in Set(labels).sorted() {
        var members = groups.indices.filter { labels[groups[$0][0]] == label }
        seededShuffle(&members, &rng)
        let nTest = Int((Double(members.count) * options.testFraction).rounded())
        let rest = members.count - nTest
        let nValidation = Int((Double(rest) * options.validationFraction).rounded())
        let test = Array(members[0..<nTest])
        let validation = Array(members[nTest..<(nTest + nValidation)])
        let train = Array(members[(nTest + nValidation)...])
        perLabel[label] = (train.flatMap { groups[$0] }, validation.flatMap { groups[$0] }, test.flatMap { groups[$0] })
    }
    for label in perLabel.keys.sorted() {
        split.train += perLabel[label]!.train
        split.validation += perLabel[label]!.validation
        split.test += perLabel[label]!.test
    }
    if options.balance {
        split.train = undersample(split.train, labels: labels, rng: &rng)
        split.validation = undersample(split.validation, labels: labels, rng: &rng)
        split.test = undersample(split.test, labels: labels, rng: &rng)
    }
    split.train.sort()
    split.validation.sort()
    split.test.sort()
    return split
}

/// Keeps a random `min` count of entries of every label.
private func undersample(_ indices: [Int], labels: [Int], rng: inout SeededGenerator) -> [Int] {
    let byLabel = Dictionary(grouping: indices, by: { labels[$0] })
    guard let smallest = byLabel.values.map(\.count).min() else { return indices }
    var out: [Int] = []
    for label in byLabel.keys.sorted() {
        var list = byLabel[label]!
        seededShuffle(&list, &rng)
        out += list.prefix(smallest)
    }
    return out
}

/// Fisher-Yates with our own generator, so the order does not depend on the standard library's shuffle algorithm.
func seededShuffle<T>(_ array: inout [T], _ rng: inout SeededGenerator) {
    guard array.count > 1 else { return }
    for i in stride(from: array.count - 1, to: 0, by: -1) {
        let j = Int(rng.next() % UInt64(i + 1))
        array.swapAt(i, j)
    }
}
