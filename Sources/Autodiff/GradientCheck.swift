import Tensor
import SeededRandom

/// The worst disagreement between an operation's analytic gradient and central finite differences.
public struct GradientCheckResult: Sendable, CustomStringConvertible {
    /// Largest |analytic - numeric| / max(1, |analytic|, |numeric|) over the checked elements.
    public var maxError: Double
    /// Where it occurred: input number and flat element index.
    public var worstInput: Int
    public var worstElement: Int
    public var analytic: Double
    public var numeric: Double

    public var description: String {
        "max error \(maxError) at input \(worstInput)[\(worstElement)] (analytic \(analytic), numeric \(numeric))"
    }
}

/// Checks the gradients of `f` with respect to every input by central finite differences.
///
/// The output is reduced to a scalar as `sum(r * f(x))` with a fixed random `r`, so every output element takes
/// part; the sums are accumulated in Double. Up to `maxElements` elements of each input are probed (all of a
/// small tensor). Use inputs away from kinks (ReLU at 0, ties in max pooling) and an `epsilon` suited to Float32.
public func gradientCheck(
    _ inputs: [Tensor], epsilon: Float = 1e-2, maxElements: Int = 64, seed: UInt64 = 7,
    _ f: ([Variable]) throws -> Variable
) throws -> GradientCheckResult {
    var rng = SeededGenerator(seed: seed)
    let variables = inputs.map { Variable($0, requiresGrad: true) }
    let output = try f(variables)
    let weights = Tensor.uniform(output.shape, low: -1, high: 1, using: &rng)
    try output.backward(seed: weights)

    func projected(_ xs: [Tensor]) throws -> Double {
        let y = try f(xs.map { Variable($0) }).value
        var total = 0.0
        for i in 0..<y.count { total += Double(y.scalars[i]) * Double(weights.scalars[i]) }
        return total
    }

    var result = GradientCheckResult(maxError: 0, worstInput: -1, worstElement: -1, analytic: 0, numeric: 0)
    for (k, input) in inputs.enumerated() {
        let analyticGrad = variables[k].grad ?? Tensor(shape: input.shape)
        let probes = input.count <= maxElements
            ? Array(0..<input.count)
            : (0..<maxElements).map { _ in Int(rng.next() % UInt64(input.count)) }
        for i in probes {
            var xs = inputs
            xs[k].scalars[i] = input.scalars[i] + epsilon
            let plus = try projected(xs)
            xs[k].scalars[i] = input.scalars[i] - epsilon
            let minus = try projected(xs)
            // The probe points are rounded to Float, so divide by the step actually taken.
            let step = Double(input.scalars[i] + epsilon) - Double(input.scalars[i] - epsilon)
            let numeric = (plus - minus) / step
            let analytic = Double(analyticGrad.scalars[i])
            let error = abs(analytic - numeric) / max(1, abs(analytic), abs(numeric))
            if error > result.maxError || result.worstInput < 0 {
                result = GradientCheckResult(maxError: error, worstInput: k, worstElement: i,
                                             analytic: analytic, numeric: numeric)
            }
        }
    }
    return result
}
