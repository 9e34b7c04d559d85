import Dataset
import Files
import Tabular
import Training

/// Distillation's teacher (`TrainingConfiguration.distillationWeight`): the catalogue model's trees on the magnitude
/// and the catalogue's parameters. Each training object's membership probability comes from trees fitted on the
/// other folds of the training split (objects assigned to folds by a hash of their id), so no object's target was
/// made by trees that saw its label. Objects without parameters get none (their label stands).
public enum CatalogueTeacher {
    public static func probabilities(training: [PreparedObject], parameters: [String], folds: Int = 5) throws
        -> [String: Double]
    {
        precondition(folds >= 2, "CatalogueTeacher: at least 2 folds")
        let features = ["magnitude"] + parameters
        // Each object once (training draws repeat bright ones), with its trees' inputs and its fold.
        var seen = Set<String>()
        let objects = training.compactMap { o -> (id: String, label: Int, row: [Double], fold: Int)? in
            guard seen.insert(o.id).inserted, let row = CatalogueModel.row(o, features: features) else { return nil }
            return (o.id, o.label, row, Int(FNV1a.hash(o.id.utf8) % UInt64(folds)))
        }
        var teacher: [String: Double] = [:]
        for k in 0..<folds {
            let fitted = objects.filter { $0.fold != k }
            let judged = objects.filter { $0.fold == k }
            guard !judged.isEmpty else { continue }
            let trees = try BoostedTrees.fit(rows: fitted.map(\.row), labels: fitted.map(\.label), features: features,
                                             settings: .catalogue)
            for o in judged { teacher[o.id] = trees.probability(o.row) }
        }
        return teacher
    }
}
