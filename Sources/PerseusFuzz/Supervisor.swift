import Files
import Foundation
import Fuzzing
#if canImport(Glibc)
import Glibc
#endif

/// The parent process: runs workers one after another until the time is used, and turns a worker's death by a
/// signal into a saved input (a crash, or a hang when the signal is the per-input alarm).
enum Supervisor {
    struct Totals {
        var executions = 0, ok = 0, errors = 0, unnamed = 0, seedFailures = 0, crashes = 0, hangs = 0
        var kinds: [String: Int] = [:]
        var unnamedExamples: [String] = []
    }

    static let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()

    static func run(_ options: Options) throws {
        let target = options.target!
        let fm = FileManager.default
        try fm.createDirectory(at: options.crashes, withIntermediateDirectories: true)
        let work = fm.temporaryDirectory.appendingPathComponent("perseus-fuzz-\(getpid())")
        try fm.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: work) }
        let statusURL = work.appendingPathComponent("status")
        let stderrURL = work.appendingPathComponent("stderr")

        var totals = Totals()
        let start = Date()
        var segment: UInt64 = 0
        while true {
            let remaining = options.seconds - Date().timeIntervalSince(start)
            if remaining < 0.5 { break }
            let page = try StatusPage(url: statusURL, capacity: options.maximumSize, create: true)
            fm.createFile(atPath: stderrURL.path, contents: nil)
            let process = Process()
            process.executableURL = executable
            process.arguments = ["--worker", "--target", target.rawValue, "--seconds", String(remaining),
                                 "--seed", String(options.seed &+ segment &* 0x9E37_79B9), "--status", statusURL.path,
                                 "--timeout", String(options.timeout), "--memory-mb", String(options.memoryMB),
                                 "--max-size", String(options.maximumSize)]
                + (options.corpus.map { ["--corpus", $0.path] } ?? [])
            let output = Pipe()
            process.standardOutput = output
            process.standardError = try FileHandle(forWritingTo: stderrURL)
            try process.run()
            let printed = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            segment += 1

            totals.executions += page.executions
            totals.ok += page.ok
            totals.errors += page.errors
            totals.unnamed += page.unnamed
            totals.seedFailures = max(totals.seedFailures, page.seedFailures)
            let lines = String(decoding: printed, as: UTF8.self).split(separator: "\n")
            for line in lines where line.hasPrefix("UNNAMED ") && totals.unnamedExamples.count < 5 {
                totals.unnamedExamples.append(String(line.dropFirst(8)))
            }
            for line in lines where line.hasPrefix("KINDS ") {
                for pair in line.dropFirst(6).split(separator: ",") {
                    let parts = pair.split(separator: "=")
                    if parts.count == 2, let n = Int(parts[1]) { totals.kinds[String(parts[0]), default: 0] += n }
                }
            }
            let died = process.terminationReason == .uncaughtSignal
            if !died && process.terminationStatus == 0 { continue }
            if !died && page.executions == 0 {  // the worker could not start: not a finding, a setup error
                let message = (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
                throw UsageError(message: "the \(target.rawValue) worker failed to start: \(message)")
            }
            // The input that was running: saved, named by its hash so a bug hit again is saved once.
            let signal = process.terminationStatus
            let hang = died && signal == SIGALRM
            if hang { totals.hangs += 1 } else { totals.crashes += 1 }
            let input = page.input
            let kind = hang ? "hang" : "crash"
            let file = options.crashes.appendingPathComponent("\(target.rawValue)-\(kind)-\(String(FNV1a.hash(input), radix: 16)).bin")
            try Data(input).write(to: file)
            let message = (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
            try (died ? "signal \(signal)\n" : "exit status \(signal)\n").appending(message)
                .write(to: file.appendingPathExtension("txt"), atomically: true, encoding: .utf8)
            let reason = died ? "signal \(signal)" : "exit status \(signal)"
            print("\(target.rawValue): \(kind.uppercased()) (\(reason)) after \(page.executions) inputs; "
                  + "saved \(input.count) bytes to \(file.path)")
            if !message.isEmpty { print(message.split(separator: "\n").suffix(4).joined(separator: "\n")) }
            if totals.crashes + totals.hangs >= 200 { print("\(target.rawValue): 200 crashes, stopping"); break }
        }
        let seconds = Date().timeIntervalSince(start)
        let kinds = totals.kinds.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: " ")
        print("\(target.rawValue): \(totals.executions) inputs in \(String(format: "%.0f", seconds)) s, "
              + "\(totals.ok) read, \(totals.errors) refused with an error (\(totals.unnamed) not naming the input), "
              + "\(totals.crashes) crashes, \(totals.hangs) hangs; errors: \(kinds)")
        for example in totals.unnamedExamples { print("  error not naming the input: \(example)") }
        print("RESULT target=\(target.rawValue) executions=\(totals.executions) seconds=\(String(format: "%.1f", seconds)) "
              + "ok=\(totals.ok) errors=\(totals.errors) unnamed=\(totals.unnamed) crashes=\(totals.crashes) "
              + "hangs=\(totals.hangs) seedFailures=\(totals.seedFailures)")
    }

    /// Runs one input in this process and says what the reader did (a crash or hang ends the process).
    static func replay(_ options: Options, _ url: URL) throws {
        let target = options.target!
        let bytes = [UInt8](try Data(contentsOf: url))
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("perseus-fuzz-replay-\(getpid()).fits")
        defer { try? FileManager.default.removeItem(at: scratch) }
        alarm(UInt32(options.timeout))
        do {
            try target.read(bytes, scratch: scratch)
            print("\(target.rawValue): read without error")
        } catch {
            print("\(target.rawValue): \(type(of: error)): \(error)")
        }
        alarm(0)
    }

    /// Shrinks a crashing input by deleting ever smaller chunks while a child replaying it still dies by the same
    /// signal; writes `<file>.min`.
    static func minimise(_ options: Options, _ url: URL) throws {
        let target = options.target!
        var bytes = [UInt8](try Data(contentsOf: url))
        let probe = url.appendingPathExtension("probe")
        defer { try? FileManager.default.removeItem(at: probe) }
        func signal(of candidate: [UInt8]) throws -> Int32? {
            try Data(candidate).write(to: probe)
            let process = Process()
            process.executableURL = executable
            process.arguments = ["--target", target.rawValue, "--replay", probe.path, "--timeout", String(options.timeout)]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return process.terminationReason == .uncaughtSignal ? process.terminationStatus : nil
        }
        guard let wanted = try signal(of: bytes) else {
            print("\(url.path) does not crash \(target.rawValue) any more")
            return
        }
        var chunk = max(1, bytes.count / 2)
        var tries = 0
        while chunk >= 1 && tries < 3000 {
            var i = 0
            while i < bytes.count && tries < 3000 {
                var candidate = bytes
                candidate.removeSubrange(i..<min(bytes.count, i + chunk))
                tries += 1
                if try signal(of: candidate) == wanted { bytes = candidate } else { i += chunk }
            }
            chunk /= 2
        }
        let out = url.appendingPathExtension("min")
        try Data(bytes).write(to: out)
        print("minimised to \(bytes.count) bytes (signal \(wanted), \(tries) tries): \(out.path)")
    }

    static func writeSeeds(_ options: Options) throws {
        guard let corpus = options.corpus else { throw UsageError(message: "--write-seeds needs --corpus DIR") }
        let folder = corpus.appendingPathComponent(options.target!.rawValue)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (i, seed) in try loadSeeds(options).enumerated() {
            try Data(seed).write(to: folder.appendingPathComponent(String(format: "seed-%03d", i)))
        }
    }
}
