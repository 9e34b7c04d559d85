import Foundation

/// Counts of what a target did with its inputs.
public struct FuzzStatistics: Sendable, Equatable {
    public var executions = 0
    public var ok = 0
    public var errors = 0
    /// Errors whose message does not name the input: a reader should always say which file it refused.
    public var unnamedErrors = 0
    /// Errors by type (and kind), e.g. `ImageError.truncated`.
    public var errorKinds: [String: Int] = [:]
    /// The first few messages that did not name the input, to show what to fix.
    public var unnamedExamples: [String] = []

    public init() {}

    public mutating func record(_ outcome: Outcome) {
        executions += 1
        switch outcome {
        case .ok: ok += 1
        case let .error(kind, named, message):
            errors += 1
            if !named {
                unnamedErrors += 1
                if unnamedExamples.count < 5 { unnamedExamples.append(message) }
            }
            errorKinds[kind, default: 0] += 1
        }
    }
}

/// The mutation loop without the process around it: the seeds unchanged first, then mutants of a pool that starts
/// as the seeds and keeps mutants that still read (or fail in a way not seen before), so later mutations start
/// deeper inside the format. Deterministic for a given seed.
public struct FuzzLoop {
    public let target: FuzzTarget
    public private(set) var pool: [[UInt8]]
    public private(set) var statistics = FuzzStatistics()
    private var mutator: Mutator
    private let seedCount: Int
    private var next = 0
    private var seenKinds: Set<String> = []
    private static let poolLimit = 256

    public init(target: FuzzTarget, seeds: [[UInt8]], seed: UInt64, maximumSize: Int = 1 << 20) {
        precondition(!seeds.isEmpty, "FuzzLoop needs at least one seed")
        self.target = target
        pool = seeds
        seedCount = seeds.count
        mutator = Mutator(seed: seed, maximumSize: maximumSize, textWeight: target.textWeight)
    }

    /// The next input to try.
    public mutating func nextInput() -> [UInt8] {
        defer { next += 1 }
        if next < seedCount { return pool[next] }
        let base = pool[mutator.rng.below(pool.count)]
        let donor = pool[mutator.rng.below(pool.count)]
        return mutator.mutate(base, donor: donor)
    }

    /// Records what `input` (the last `nextInput()`) came to, keeping it in the pool when it is new ground.
    public mutating func record(_ input: [UInt8], _ outcome: Outcome) {
        statistics.record(outcome)
        guard next > seedCount else { return }
        var keep = false
        switch outcome {
        case .ok: keep = mutator.rng.chance(0.1)
        case let .error(kind, _, _): keep = seenKinds.insert(kind).inserted
        }
        if keep {
            if pool.count < Self.poolLimit {
                pool.append(input)
            } else {
                pool[seedCount + mutator.rng.below(pool.count - seedCount)] = input
            }
        }
    }

    /// Runs `count` inputs in this process (for tests: a crash here is a crash of the test).
    public mutating func run(count: Int, scratch: URL) {
        for _ in 0..<count {
            let input = nextInput()
            record(input, target.run(input, scratch: scratch))
        }
    }
}
