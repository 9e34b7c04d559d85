// The settings of a run that take one of a fixed set of values. YAML files and the command line name them by their
// raw values; `TrainingConfiguration` refuses any other value, naming the setting and the choices.

/// sgd (with optional momentum and Nesterov), adam, or adamw (decoupled weight decay).
public enum OptimizerKind: String, CaseIterable, Codable, Sendable {
    case sgd, adam, adamw
}

/// How the learning rate changes over a run (see `makeSchedule`).
public enum ScheduleKind: String, CaseIterable, Codable, Sendable {
    case exponential, step, cosine, constant
}

/// How training objects are drawn: the study's fixed x15 rotations (precomputed), a random angle and flips per draw
/// (online), or as they are.
public enum AugmentationKind: String, CaseIterable, Codable, Sendable {
    case rotations, online, none
}

/// The per-band stretch before normalising: asinh (for FITS data in physical units), none, or auto (asinh when the
/// training cutouts are FITS, resolved when the run starts).
public enum StretchKind: String, CaseIterable, Codable, Sendable {
    case auto, asinh, none
}

/// The starting settings of `perseus train`. Perseus's own does better (docs/results.md) and is the default; the
/// study's is kept to reproduce the study (`perseus study` runs its experiments).
public enum Recipe: String, CaseIterable, Codable, Sendable {
    /// The study's: 200x200, x15 rotations, SGD with exponential decay, batch 20, 200 epochs.
    case study
    /// Perseus's own (`TrainingConfiguration.recipe`): 64x64, online rotations and flips, cosine decay, bright objects
    /// drawn four times, and the catalogue model.
    case perseus

    /// What `perseus train` starts from without `--recipe`.
    public static let `default` = Recipe.perseus

    public var configuration: TrainingConfiguration {
        switch self {
        case .study: TrainingConfiguration()
        case .perseus: .recipe
        }
    }
}
