import Dataset

extension TrainingConfiguration {
    /// The objects one training epoch draws: each object at or brighter than `brightMagnitude` `brightRepeats` times
    /// (under online augmentation each draw gets its own rotation and flips), every other object once. An object
    /// without a magnitude counts as faint. The repeats weigh bright against faint objects, so a training split
    /// with no faint object (the study's bright experiments, the synthetic demo) is drawn once, as it is.
    public func trainingDraws(_ objects: [PreparedObject]) -> [PreparedObject] {
        func isBright(_ o: PreparedObject) -> Bool { (o.magnitude ?? .infinity) <= brightMagnitude }
        guard brightRepeats > 1, !objects.allSatisfy(isBright) else { return objects }
        return objects.flatMap { o in Array(repeating: o, count: isBright(o) ? brightRepeats : 1) }
    }
}
