import Foundation
import Testing
@testable import Fuzzing

/// The in-process part of fuzzing that CI runs every time: the seeds must read (else the harness fuzzes nothing),
/// the mutator must replay from its seed, and a few thousand mutants per reader must give results or clean errors
/// naming the input. A crash here is a crash of the test process, which the test run reports as a failure.
@Suite struct FuzzingTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let data = SeedCorpus.dataFolder(packageRoot: packageRoot)

    private func scratch() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("perseus-fuzz-test-\(UUID().uuidString).fits")
    }

    @Test(arguments: FuzzTarget.allCases)
    func generatedSeedsReadCleanly(_ target: FuzzTarget) throws {
        let seeds = try SeedCorpus.seeds(for: target, data: nil)
        #expect(!seeds.isEmpty)
        let file = scratch()
        defer { try? FileManager.default.removeItem(at: file) }
        for (i, seed) in seeds.enumerated() {
            #expect(target.run(seed, scratch: file) == .ok, "\(target.rawValue) seed \(i)")
        }
    }

    @Test(.enabled(if: data != nil, "needs ../shared/data/perseus"), arguments: FuzzTarget.allCases)
    func realSeedsReadCleanly(_ target: FuzzTarget) throws {
        let seeds = try SeedCorpus.real(target, data: Self.data!)
        let file = scratch()
        defer { try? FileManager.default.removeItem(at: file) }
        for (i, seed) in seeds.enumerated() {
            #expect(target.run(seed, scratch: file) == .ok, "\(target.rawValue) real seed \(i)")
        }
    }

    @Test func mutatorReplaysFromItsSeed() {
        let input = Array("NAXIS1  =                   24 / a,b,c\nline two  with  fields\n".utf8)
        func run(_ seed: UInt64) -> [[UInt8]] {
            var m = Mutator(seed: seed, textWeight: 0.5)
            return (0..<200).map { _ in m.mutate(input, donor: Array("donor".utf8)) }
        }
        #expect(run(7) == run(7))
        #expect(run(7) != run(8))
        // Every operation changes something on this input for some seed, and sizes stay within the limit.
        var m = Mutator(seed: 1, maximumSize: 64)
        for op in Mutator.Operation.allCases {
            let changed = (0..<50).contains { _ in
                var out = input
                m.apply(op, to: &out, donor: Array("donor bytes".utf8))
                return out != input
            }
            #expect(changed, "\(op) never changed the input")
        }
        #expect((0..<500).allSatisfy { _ in m.mutate(input + input, donor: input).count <= 64 })
    }

    /// A few thousand mutants per reader (about a second each in release): no crash, no hang, and every refusal
    /// names the input. The YAML target's validation messages (`TrainingConfiguration.validate()`) do not name the
    /// file, so that target is only held to no crash.
    @Test(arguments: FuzzTarget.allCases)
    func mutantsGiveResultsOrCleanErrors(_ target: FuzzTarget) throws {
        let file = scratch()
        defer { try? FileManager.default.removeItem(at: file) }
        var loop = FuzzLoop(target: target, seeds: try SeedCorpus.seeds(for: target, data: nil), seed: 2024)
        loop.run(count: target == .fitsTable ? 1500 : 3000, scratch: file)
        let s = loop.statistics
        #expect(s.executions == (target == .fitsTable ? 1500 : 3000))
        #expect(s.ok > 0 && s.errors > 0, "\(target.rawValue): \(s.ok) ok, \(s.errors) errors: mutants should do both")
        if target != .yaml {
            #expect(s.unnamedErrors == 0, "\(target.rawValue): \(s.unnamedExamples)")
        }
    }
}
