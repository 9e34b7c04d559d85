import Foundation
import Tensor

// PerseusBench: training-step and inference throughput of ResNet-18/10 (the figures `torch_resnet_bench.py`
// measures for PyTorch), peak memory per measurement, and the input pipeline's throughput.
//
// The parent runs each measurement in a fresh child process (this executable with `--one`), so each peak resident
// set is that measurement's alone, and so libgomp reads the environment (OMP_WAIT_POLICY, GOMP_SPINCOUNT,
// OMP_NUM_THREADS) at load time in every child.

do {
    let options = try Options(Array(CommandLine.arguments.dropFirst()))
    if let one = options.one {
        Parallel.setThreadCount(options.threads)
        print(jsonLine(try measure(one, options)))
        exit(0)
    }
    print("# Perseus bench: threads=\(options.threads), warmup=\(options.warmup), repeats=\(options.repeats), "
          + "OMP_WAIT_POLICY=\(ProcessInfo.processInfo.environment["OMP_WAIT_POLICY"] ?? "default"), "
          + "load average \(loadAverage())")
    var records: [[String: Any]] = []
    if options.network {
        let selected = Configuration.all.filter {
            (options.models.isEmpty || options.models.contains($0.model))
                && (options.modes.isEmpty || options.modes.contains($0.mode))
        }
        for c in selected {
            let record: [String: Any]
            if options.inProcess {
                Parallel.setThreadCount(options.threads)
                record = try measure(c, options)
                print(jsonLine(record))
            } else {
                record = try runChild(c, options)
            }
            records.append(record)
        }
        printTable(records, options)
    }
    if options.pipeline {
        var found = false
        for (size, batch, augmented) in [(200, 20, true), (64, 64, true), (64, 64, false)] {
            guard let r = try measurePipeline(size: size, batch: batch, images: options.pipelineImages,
                                              augmented: augmented) else { continue }
            found = true
            print(jsonLine(r))
            print("input pipeline \(r["input"] as! String) " + String(format: "batch %d: %.1f images/s (%d images, %d engine threads; %@)", batch, r["images_per_s"] as! Double, r["images"] as! Int, Parallel.threadCount, r["augmentation"] as! String))
        }
        if !found { print("# input pipeline: skipped (no cutouts under \(dataRoot().path)/pcc)") }
    }
} catch {
    FileHandle.standardError.write(Data("PerseusBench: \(error)\n".utf8))
    exit(1)
}

/// Runs one measurement in a fresh process and returns its record (its JSON line is echoed).
func runChild(_ c: Configuration, _ options: Options) throws -> [String: Any] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/proc/self/exe")
    process.arguments = options.childArguments + ["--one", c.argument]
    var environment = ProcessInfo.processInfo.environment
    environment["OMP_NUM_THREADS"] = "\(options.threads)"
    process.environment = environment
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0,
          let line = output.split(separator: "\n").last(where: { $0.hasPrefix("JSON ") }),
          let record = try JSONSerialization.jsonObject(with: Data(line.dropFirst(5).utf8)) as? [String: Any]
    else { throw BenchError("measurement \(c.argument) failed (exit \(process.terminationStatus)): \(output)") }
    print(line)
    return record
}

func printTable(_ records: [[String: Any]], _ options: Options) {
    print("\nPerseus (oneDNN) CPU, \(options.threads) threads, median of \(options.repeats) after \(options.warmup) warm-up")
    let header = "model     mode  input      batch  s/batch    img/s fwdGF/img workGF/img  GFLOP/s  peakMiB"
    print(header)
    print(String(repeating: "-", count: header.count))
    for r in records {
        let names = pad(r["model"] as! String, 9) + " " + pad(r["mode"] as! String, 5) + " "
            + pad(r["input"] as! String, 10)
        print(names + String(format: " %5d %8.3f %8.1f %9.3f %10.3f %8.1f %8.0f", r["batch"] as! Int,
                     r["median_s_per_batch"] as! Double, r["images_per_s"] as! Double,
                     r["fwd_gflop_per_image"] as! Double, r["work_gflop_per_image"] as! Double,
                     r["achieved_gflop_s"] as! Double, (r["peak_rss_mb"] as? Double) ?? 0))
    }
}

func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3)
        .joined(separator: " ") ?? "?"
}

func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s : s + String(repeating: " ", count: width - s.count) }
