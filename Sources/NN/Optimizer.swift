import Autodiff
import Tensor

/// Updates parameters from their gradients. `step()` skips a parameter with no gradient (as PyTorch does).
///
/// The per-parameter state (momentum buffers, moment estimates, step counts) is keyed by parameter name, so it can
/// be saved beside the model and loaded to continue training exactly where it stopped.
public protocol Optimizer: AnyObject {
    /// The rate the next `step()` uses; a schedule sets it before each step.
    var learningRate: Float { get set }
    /// The parameters it updates, by their names in the model.
    var parameters: [(name: String, variable: Variable)] { get }
    /// Each parameter's multiplier of `learningRate` (all 1 unless set: layer-wise learning-rate decay), in the
    /// order of `parameters`.
    var learningRateScales: [Float] { get set }
    func step() throws
    /// The state needed to continue training: tensors named `<parameter>.<slot>`, and the optimizer's kind.
    func state() -> SafeTensors
    /// Restores `state()`; refuses state for other parameters, other shapes or another kind of optimizer.
    func loadState(_ state: SafeTensors, source: String) throws
}

extension Optimizer {
    /// Clears the gradients of every parameter.
    public func zeroGrad() {
        for (_, p) in parameters { p.zeroGrad() }
    }
}

/// Per-parameter slots shared by the optimizers: save them as `<parameter>.<slot>` and load them back strictly.
struct OptimizerSlots {
    let kind: String
    let names: [String]
    let shapes: [[Int]]

    func encode(_ slots: [String: [Tensor?]], steps: [Int]? = nil) -> SafeTensors {
        var file = SafeTensors(metadata: ["optimizer": kind])
        for (slot, values) in slots {
            for (name, value) in zip(names, values) {
                if let value { file.tensors["\(name).\(slot)"] = .float32(value) }
            }
        }
        if let steps {
            for (name, step) in zip(names, steps) where step > 0 {
                file.tensors["\(name).step"] = .int64(shape: [], values: [Int64(step)])
            }
        }
        return file
    }

    /// The slots and (if `steps`) step counts in `file`, after checking they belong to these parameters.
    func decode(_ file: SafeTensors, slots: [String], steps: Bool, source: String) throws -> ([String: [Tensor?]], [Int]) {
        guard file.metadata["optimizer"] == kind else {
            throw CheckpointError.mismatch(file: source, "holds \(file.metadata["optimizer"] ?? "no") optimizer state, not \(kind)")
        }
        var result = Dictionary(uniqueKeysWithValues: slots.map { ($0, [Tensor?](repeating: nil, count: names.count)) })
        var stepCounts = [Int](repeating: 0, count: names.count)
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        for (key, value) in file.tensors {
            guard let dot = key.lastIndex(of: "."), let i = index[String(key[..<dot])] else {
                throw CheckpointError.mismatch(file: source, "optimizer state \(key) is for no parameter of this model")
            }
            let slot = String(key[key.index(after: dot)...])
            if steps && slot == "step" {
                guard case let .int64([], v) = value else {
                    throw CheckpointError.mismatch(file: source, "\(key) should be an I64 scalar")
                }
                stepCounts[i] = Int(v[0])
            } else if result[slot] != nil {
                guard case let .float32(t) = value, t.shape == shapes[i] else {
                    throw CheckpointError.mismatch(file: source, "\(key) is \(value.dtype.rawValue) \(value.shape), the parameter is F32 \(shapes[i])")
                }
                result[slot]![i] = t
            } else {
                throw CheckpointError.mismatch(file: source, "unexpected optimizer state \(key)")
            }
        }
        return (result, stepCounts)
    }
}
