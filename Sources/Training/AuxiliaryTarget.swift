import Dataset
import Autodiff
import NN
import Tensor
import SeededRandom

/// The catalogue's classes as a second target beside membership (`auxiliaryWeight`): a linear head on the ResNet's
/// pooled features learns each training object's class (a PCC morphology class; for a spectroscopic object, SDSS's
/// class together with its redshift label), and its cross-entropy, weighted, joins the loss. Membership lumps dEs
/// with possible dEs and background ellipticals with spirals and edge-on disks; the classes tell the network more
/// about each image. The head exists only while training: checkpoints hold the membership network alone.
final class AuxiliaryTarget {
    /// The classes met in the training set, sorted.
    let classes: [String]
    /// Each training object's class index.
    let labels: [Int]
    let model: ResNet
    let head: Linear

    init(training: SampleSet, model: any Classifier, seed: UInt64) throws {
        guard let model = model as? ResNet else {
            throw ConfigurationError(message: "auxiliaryWeight: the auxiliary target needs a ResNet")
        }
        self.model = model
        let keys = training.labels.indices.map { i in
            Self.key(objectClass: training.objectClasses.isEmpty ? nil : training.objectClasses[i], label: training.labels[i])
        }
        classes = Set(keys).sorted()
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        labels = keys.map { index[$0]! }
        var rng = SeededGenerator(seed: seed &+ 0x6175_7869)  // its own stream: the network's start is unchanged
        head = Linear(inFeatures: model.fc.weight.shape[1], outFeatures: classes.count, using: &rng)
    }

    /// An object's auxiliary class. The membership label is part of it, so a class holding both members and
    /// background objects (SDSS's GALAXY) is split by it and the head never contradicts the main target.
    static func key(objectClass: String?, label: Int) -> String {
        "\(objectClass ?? "unclassified") / \(label == 1 ? "member" : "background")"
    }

    /// The head's parameters by the names the optimizer keeps them under, apart from the network's.
    var parameters: [(name: String, variable: Variable)] {
        head.namedParameters().map { ("auxiliary." + $0.name, $0.variable) }
    }

    /// The auxiliary loss of `items` (indices into the training set) from the network's pooled features.
    func loss(pooled: Variable, items: [Int]) throws -> Variable {
        try softmaxCrossEntropy(logits: head(pooled), labels: items.map { labels[$0] })
    }
}
