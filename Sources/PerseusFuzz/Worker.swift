import Foundation
import Fuzzing
#if canImport(Glibc)
import Glibc
#endif

/// The child process: runs the mutation loop until its time is up, with a per-input alarm (a hang kills it with
/// SIGALRM) and an address-space limit (a runaway allocation fails instead of taking the machine down).
enum Worker {
    static func run(_ options: Options) throws {
        let target = options.target!
        if options.memoryMB > 0 {  // 0: no limit (AddressSanitizer reserves terabytes of address space)
            var limit = rlimit(rlim_cur: rlim_t(options.memoryMB) << 20, rlim_max: rlim_t(options.memoryMB) << 20)
            setrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit)
        }
        let page = try StatusPage(url: options.status!, capacity: options.maximumSize, create: false)
        let seeds = try loadSeeds(options)
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("perseus-fuzz-\(getpid())-\(target.rawValue).fits")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var loop = FuzzLoop(target: target, seeds: seeds, seed: options.seed, maximumSize: options.maximumSize)
        let deadline = Date().addingTimeInterval(options.seconds)
        var n = 0
        while true {
            // Checking the clock costs more than a small input: look every 64 inputs.
            if n % 64 == 0 && Date() >= deadline { break }
            let input = loop.nextInput()
            page.input = input
            alarm(UInt32(options.timeout))
            let outcome = target.run(input, scratch: scratch)
            alarm(0)
            loop.record(input, outcome)
            if n < seeds.count, outcome != .ok { page.seedFailures += 1 }
            n += 1
            let s = loop.statistics
            page.executions = s.executions
            page.ok = s.ok
            page.errors = s.errors
            page.unnamed = s.unnamedErrors
        }
        // Error kinds go to standard output for the supervisor; lost if the worker dies, which is acceptable.
        let kinds = loop.statistics.errorKinds.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        print("KINDS " + kinds.joined(separator: ","))
        for example in loop.statistics.unnamedExamples {
            print("UNNAMED " + example.replacingOccurrences(of: "\n", with: " ").prefix(300))
        }
    }
}
