import Autodiff
import Dataset
import NN
import SeededRandom
import Tensor

/// The catalogue's parameters as regression targets beside membership (`parameterWeight`): a linear head on the
/// ResNet's pooled features predicts each parameter the training objects carry (for the PCC, its photometric and
/// structural fields 6-19), standardised on the training split, and its mean squared error over the values present
/// (missing ones are masked), weighted, joins the loss. The network must then learn from the pixels what the
/// catalogue measured, and only the pixels reach it: no parameter is an input. The head exists only while training:
/// checkpoints hold the membership network alone.
final class ParameterTarget {
    /// The parameters regressed: those with at least two finite values in the training split, in the sets' order.
    let names: [String]
    /// Each parameter's mean and standard deviation over the training split.
    let means: [Double]
    let scales: [Double]
    /// [training objects][names]: standardised values (clipped to ±`clip` so a wild catalogue value cannot dominate),
    /// and 1 where the value is present.
    let targets: [[Float]]
    let present: [[Float]]
    let model: ResNet
    let head: Linear

    /// Standardised values beyond this many deviations are clipped.
    static let clip = 5.0

    init(training: SampleSet, model: any Classifier, seed: UInt64) throws {
        guard let model = model as? ResNet else {
            throw ConfigurationError(message: "parameterWeight: the parameter target needs a ResNet")
        }
        var order: [String] = []
        var seen = Set<String>()
        for row in training.parameters { for key in row.keys.sorted() where seen.insert(key).inserted { order.append(key) } }
        var names: [String] = [], means: [Double] = [], scales: [Double] = []
        for name in order {
            let values = training.parameters.compactMap { $0[name] }.filter(\.isFinite)
            guard values.count >= 2 else { continue }
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)
            guard variance > 0 else { continue }
            names.append(name); means.append(mean); scales.append(variance.squareRoot())
        }
        guard !names.isEmpty else {
            throw ConfigurationError(message: "parameterWeight: no training object has catalogue parameters (prepare with --parameters)")
        }
        self.names = names
        self.means = means
        self.scales = scales
        var targets: [[Float]] = [], present: [[Float]] = []
        for i in 0..<training.count {
            let row = training.parameters.isEmpty ? [:] : training.parameters[i]
            var t = [Float](repeating: 0, count: names.count), m = t
            for (j, name) in names.enumerated() {
                guard let v = row[name], v.isFinite else { continue }
                t[j] = Float(min(max((v - means[j]) / scales[j], -Self.clip), Self.clip))
                m[j] = 1
            }
            targets.append(t); present.append(m)
        }
        self.targets = targets
        self.present = present
        self.model = model
        var rng = SeededGenerator(seed: seed &+ 0x7061_7261)  // its own stream: the network's start is unchanged
        head = Linear(inFeatures: model.fc.weight.shape[1], outFeatures: names.count, using: &rng)
    }

    /// The head's parameters by the names the optimizer keeps them under, apart from the network's.
    var parameters: [(name: String, variable: Variable)] {
        head.namedParameters().map { ("parameters." + $0.name, $0.variable) }
    }

    /// The masked mean squared error of the head's predictions for `items` (indices into the training set).
    func loss(pooled: Variable, items: [Int]) throws -> Variable {
        let shape = [items.count, names.count]
        return try maskedMeanSquaredError(prediction: head(pooled),
                                          target: Tensor(shape: shape, scalars: items.flatMap { targets[$0] }),
                                          mask: Tensor(shape: shape, scalars: items.flatMap { present[$0] }))
    }
}
