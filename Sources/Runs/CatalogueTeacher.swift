import Dataset
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
        var seen = Set<String>()
        let objects = training.filter { seen.insert($0.id).inserted && CatalogueModel.row($0, features: features) != nil }
        func fold(_ o: PreparedObject) -> Int {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a: the same folds on every machine and run
            for byte in o.id.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            return Int(hash % UInt64(folds))
        }
        var teacher: [String: Double] = [:]
        for k in 0..<folds {
            let fitted = objects.filter { fold($0) != k }
            let judged = objects.filter { fold($0) == k }
            guard !judged.isEmpty else { continue }
            let trees = try BoostedTrees.fit(rows: fitted.map { CatalogueModel.row($0, features: features)! },
                                             labels: fitted.map(\.label), features: features, settings: .catalogue)
            for o in judged { teacher[o.id] = trees.probability(CatalogueModel.row(o, features: features)!) }
        }
        return teacher
    }
}
