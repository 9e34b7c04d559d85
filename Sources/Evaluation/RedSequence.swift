// The red sequence in the colour-magnitude diagram: g-z colour as a straight line in r magnitude, fitted to the
// galaxies with iterative sigma clipping so the blue cloud and the odd outlier do not pull it down.

/// Settings of the red-sequence fit.
public struct RedSequenceFitOptions: Sendable, Equatable {
    /// Points more than `clipBelow` scatters below the line are rejected at each iteration. The blue cloud lies
    /// below the sequence, so clipping is tighter on that side.
    public var clipBelow: Double
    /// Points more than `clipAbove` scatters above the line are rejected.
    public var clipAbove: Double
    public var maxIterations: Int
    /// Only objects at least this red (g-z) start the fit; `nil` starts from all of them.
    public var initialMinimumColour: Double?
    /// Only objects in this r range take part; `nil` uses all.
    public var magnitudeRange: ClosedRange<Double>?

    public init(clipBelow: Double = 2.0, clipAbove: Double = 3.0, maxIterations: Int = 50,
                initialMinimumColour: Double? = nil, magnitudeRange: ClosedRange<Double>? = nil) {
        self.clipBelow = clipBelow
        self.clipAbove = clipAbove
        self.maxIterations = maxIterations
        self.initialMinimumColour = initialMinimumColour
        self.magnitudeRange = magnitudeRange
    }
}

/// A fitted red sequence: `colour = intercept + slope * (r - pivot)` with robust scatter `scatter` (mag).
public struct RedSequence: Sendable, Equatable {
    public var slope: Double
    public var intercept: Double
    /// The magnitude the intercept refers to (the median r of the fitted points), keeping slope and intercept
    /// uncorrelated.
    public var pivot: Double
    /// The robust standard deviation of the colour about the line, 1.4826 × the median absolute deviation of the
    /// kept residuals (mag).
    public var scatter: Double
    /// Which input objects the final fit kept.
    public var kept: [Bool]
    public var iterations: Int

    public init(slope: Double, intercept: Double, pivot: Double, scatter: Double, kept: [Bool] = [], iterations: Int = 0) {
        self.slope = slope
        self.intercept = intercept
        self.pivot = pivot
        self.scatter = scatter
        self.kept = kept
        self.iterations = iterations
    }

    /// The sequence's g-z colour at magnitude r.
    public func colour(atMagnitude r: Double) -> Double { intercept + slope * (r - pivot) }

    /// How far an object lies from the sequence in units of the scatter (negative: bluer).
    public func offset(magnitude r: Double, colour: Double) -> Double { (colour - self.colour(atMagnitude: r)) / scatter }

    /// Fits the sequence to objects with r magnitudes `magnitude` and g-z colours `colour`.
    ///
    /// Fit it to cluster members (spectroscopic 0.01 < z < 0.033, or the member labels): over every galaxy in the
    /// field, background galaxies (redder at a given r) tilt the line. On the 90 arcmin spectroscopic search's cluster
    /// members (r0 12-19) the default options give a slope near -0.08 and a scatter near 0.08 mag.
    ///
    /// Each iteration fits a least-squares line to the kept points, measures the robust scatter of their residuals,
    /// and keeps every object (of all, so a point can come back) within `clipBelow`/`clipAbove` scatters, until the kept
    /// set stops changing. Throws with fewer than 3 usable points or when everything is clipped.
    public static func fit(magnitude: [Double], colour: [Double], options: RedSequenceFitOptions = .init()) throws -> RedSequence {
        guard magnitude.count == colour.count else {
            throw EvaluationError.lengthMismatch("RedSequence.fit", ("magnitude", "colour"), (magnitude.count, colour.count))
        }
        let usable = magnitude.indices.map { i in
            magnitude[i].isFinite && colour[i].isFinite && (options.magnitudeRange?.contains(magnitude[i]) ?? true)
        }
        var kept = magnitude.indices.map { usable[$0] && colour[$0] >= (options.initialMinimumColour ?? -.infinity) }
        var iteration = 0
        while true {
            let indices = magnitude.indices.filter { kept[$0] }
            guard indices.count >= 3 else {
                throw EvaluationError("RedSequence.fit: only \(indices.count) objects left after \(iteration) iterations "
                    + "(of \(magnitude.count), \(usable.filter { $0 }.count) usable); need at least 3")
            }
            let pivot = median(indices.map { magnitude[$0] })
            guard let (intercept, slope) = leastSquaresLine(indices.map { magnitude[$0] - pivot }, indices.map { colour[$0] }) else {
                throw EvaluationError("RedSequence.fit: the \(indices.count) kept objects all have the same magnitude")
            }
            let residuals = indices.map { colour[$0] - (intercept + slope * (magnitude[$0] - pivot)) }
            let centre = median(residuals)
            var scatter = 1.4826 * median(residuals.map { abs($0 - centre) })
            if scatter == 0 { scatter = standardDeviation(residuals) }
            let line = RedSequence(slope: slope, intercept: intercept, pivot: pivot, scatter: scatter)
            iteration += 1
            if scatter == 0 || iteration >= options.maxIterations {
                return RedSequence(slope: slope, intercept: intercept, pivot: pivot, scatter: scatter, kept: kept, iterations: iteration)
            }
            let next = magnitude.indices.map { i in
                guard usable[i] else { return false }
                let d = line.offset(magnitude: magnitude[i], colour: colour[i])
                return d >= -options.clipBelow && d <= options.clipAbove
            }
            if next == kept {
                return RedSequence(slope: slope, intercept: intercept, pivot: pivot, scatter: scatter, kept: kept, iterations: iteration)
            }
            kept = next
        }
    }
}

/// Ordinary least squares `y = a + b x`; nil when x has no spread.
func leastSquaresLine(_ x: [Double], _ y: [Double]) -> (intercept: Double, slope: Double)? {
    let n = Double(x.count)
    let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
    var sxx = 0.0, sxy = 0.0
    for (a, b) in zip(x, y) {
        sxx += (a - mx) * (a - mx)
        sxy += (a - mx) * (b - my)
    }
    guard sxx > 0 else { return nil }
    let slope = sxy / sxx
    return (my - slope * mx, slope)
}

func median(_ values: [Double]) -> Double {
    precondition(!values.isEmpty, "median of no values")
    let s = values.sorted()
    let m = s.count / 2
    return s.count % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2
}
