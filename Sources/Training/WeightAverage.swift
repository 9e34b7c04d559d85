import NN
import Tensor

/// An exponential moving average of a network's weights and batch-norm statistics (Polyak averaging, as timm's
/// `ModelEmaV2` keeps it): after every optimizer step, average = d * average + (1 - d) * live, with d ramped up as
/// min(decay, (1 + step) / (10 + step)) so the early epochs are not tied to the random start. The run validates and
/// saves the averaged network while training goes on with the live one.
struct WeightAverage {
    let decay: Float
    /// Averaged float tensors; integer buffers (`num_batches_tracked`) are the live network's.
    private(set) var state: [String: StateTensor]

    /// Starts at the model's weights, or continues `state` (a resume file's average).
    init(of model: any Module, decay: Float, state: [String: StateTensor]? = nil) {
        self.decay = decay
        self.state = state ?? Dictionary(uniqueKeysWithValues: model.stateDict().map { ($0.name, $0.value) })
    }

    /// The averaging weight of the live network's past value after `step` steps.
    func weight(afterStep step: Int) -> Float { min(decay, Float(1 + step) / Float(10 + step)) }

    mutating func update(from model: any Module, step: Int) {
        let d = weight(afterStep: step)
        for (name, value) in model.stateDict() {
            // Taken out of the dictionary first so the update writes in place instead of copying the tensor.
            guard case let .float32(live) = value, case var .float32(mean)? = state.removeValue(forKey: name) else {
                state[name] = value
                continue
            }
            live.scalars.withUnsafeBufferPointer { x in
                mean.scalars.withUnsafeMutableBufferPointer { m in
                    for i in m.indices { m[i] = d * m[i] + (1 - d) * x[i] }
                }
            }
            state[name] = .float32(mean)
        }
    }

    /// Runs `body` with the averaged weights in `model`, then puts the live ones back.
    func applied<T>(to model: any Module, _ body: () throws -> T) throws -> T {
        let live = Dictionary(uniqueKeysWithValues: model.stateDict().map { ($0.name, $0.value) })
        try model.loadStateDict(state, source: "the weight average")
        // The live state has the model's own keys and shapes, so putting it back cannot fail.
        defer { try! model.loadStateDict(live) }
        return try body()
    }
}
