import SeededRandom

/// K-fold cross-validation by object: every object is in the test fold exactly once; the rest of each fold is
/// split 75/25 (by default) into training and validation, stratified by label, as `splitByObject` does.
public func crossValidationFolds(ids: [String], labels: [Int], folds: Int, seed: UInt64,
                                 validationFraction: Double = 0.25) -> [DatasetSplit] {
    precondition(folds >= 2, "crossValidationFolds: need at least two folds")
    precondition(ids.count == labels.count, "crossValidationFolds: \(ids.count) ids but \(labels.count) labels")
    var groupOf: [String: Int] = [:]
    var groups: [[Int]] = []
    for (i, id) in ids.enumerated() {
        if let g = groupOf[id] { groups[g].append(i) } else { groupOf[id] = groups.count; groups.append([i]) }
    }
    // Deal each label's shuffled objects round-robin into the folds, so every fold has the same label mix.
    var rng = SeededGenerator(seed: seed)
    var foldOf = [Int](repeating: 0, count: groups.count)
    for label in Set(labels).sorted() {
        var members = groups.indices.filter { labels[groups[$0][0]] == label }
        seededShuffle(&members, &rng)
        for (k, g) in members.enumerated() { foldOf[g] = k % folds }
    }
    return (0..<folds).map { fold in
        let test = groups.indices.filter { foldOf[$0] == fold }.flatMap { groups[$0] }
        let rest = groups.indices.filter { foldOf[$0] != fold }.flatMap { groups[$0] }
        let inner = splitByObject(ids: rest.map { ids[$0] }, labels: rest.map { labels[$0] },
                                  options: SplitOptions(seed: seed &+ UInt64(fold), testFraction: 0,
                                                        validationFraction: validationFraction))
        return DatasetSplit(train: inner.train.map { rest[$0] }, validation: inner.validation.map { rest[$0] }, test: test)
    }
}

extension PreparedDataset {
    /// The same objects with the train/validation/test splits replaced (holdout objects keep theirs).
    public func resplit(_ split: DatasetSplit, of pool: [Int]) -> PreparedDataset {
        var objects = self.objects
        for i in split.train { objects[pool[i]].split = .train }
        for i in split.validation { objects[pool[i]].split = .validation }
        for i in split.test { objects[pool[i]].split = .test }
        return PreparedDataset(objects: objects, parameterNames: parameterNames, classNames: classNames)
    }

    /// Indices of the objects that take part in training and testing (all but holdout).
    public var splittable: [Int] { objects.indices.filter { objects[$0].split != .holdout } }
}

extension PreparedDataset {
    /// K-fold cross-validation of this dataset by object (`crossValidationFolds` over every object but the holdout
    /// ones, which keep theirs): dataset k has fold k as its test split.
    public func crossValidationDatasets(folds: Int, seed: UInt64) -> [PreparedDataset] {
        let pool = splittable
        return crossValidationFolds(ids: pool.map { objects[$0].id }, labels: pool.map { objects[$0].label },
                                    folds: folds, seed: seed).map { resplit($0, of: pool) }
    }
}
