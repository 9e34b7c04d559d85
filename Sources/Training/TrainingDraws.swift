import Dataset

extension TrainingConfiguration {
    /// The objects one training epoch draws: each object at or brighter than `brightMagnitude` `brightRepeats` times
    /// (under online augmentation each draw gets its own rotation and flips), every other object once. An object
    /// without a magnitude counts as faint.
    public func trainingDraws(_ objects: [PreparedObject]) -> [PreparedObject] {
        guard brightRepeats > 1 else { return objects }
        return objects.flatMap { o in
            Array(repeating: o, count: (o.magnitude ?? .infinity) <= brightMagnitude ? brightRepeats : 1)
        }
    }
}
