import Autodiff
import Tensor

extension Module {
    /// Parameters and buffers by dotted name, in PyTorch's `state_dict` order (each module's parameters, then its
    /// buffers, then its children's entries).
    public func stateDict() -> [(name: String, value: StateTensor)] {
        namedModules().flatMap { path, module in
            module.localParameters.map { (join(path, $0.name), StateTensor.float32($0.variable.value)) }
                + module.localBuffers.map { (join(path, $0.name), $0.buffer.value) }
        }
    }

    /// Loads every parameter and buffer from `state`, strictly: the keys must be exactly the model's, each with the
    /// model's dtype and shape. Nothing is changed unless everything fits; the error lists every problem found.
    /// `source` names the file in the error.
    public func loadStateDict(_ state: [String: StateTensor], source: String = "state") throws {
        let parameters = namedParameters(), buffers = namedBuffers()
        var problems: [String] = []
        var expected = Set<String>()

        func check(_ name: String, dtype: DType, shape: [Int]) {
            expected.insert(name)
            guard let value = state[name] else { return }
            if value.dtype != dtype {
                problems.append("\(name) has dtype \(value.dtype.rawValue), the model needs \(dtype.rawValue)")
            } else if value.shape != shape {
                problems.append("\(name) has shape \(value.shape), the model needs \(shape)")
            }
        }
        for (name, p) in parameters { check(name, dtype: .float32, shape: p.value.shape) }
        for (name, b) in buffers { check(name, dtype: b.dtype, shape: b.shape) }

        let missing = parameters.map(\.name).filter { state[$0] == nil } + buffers.map(\.name).filter { state[$0] == nil }
        let unexpected = state.keys.filter { !expected.contains($0) }.sorted()
        if !missing.isEmpty { problems.insert("missing keys: \(list(missing))", at: 0) }
        if !unexpected.isEmpty { problems.insert("unexpected keys: \(list(unexpected))", at: missing.isEmpty ? 0 : 1) }
        guard problems.isEmpty else {
            throw CheckpointError.mismatch(file: source, problems.joined(separator: "; "))
        }

        for (name, p) in parameters {
            if case let .float32(t) = state[name]! { p.value = t }
        }
        for (name, b) in buffers { b.assign(state[name]!) }
    }
}

/// A list of names for an error message, shortened when long.
private func list(_ names: [String]) -> String {
    let shown = names.prefix(8).joined(separator: ", ")
    return names.count > 8 ? "\(shown), ... (\(names.count) in all)" : shown
}
