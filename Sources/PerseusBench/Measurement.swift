import Autodiff
import Dataset
import Foundation
import NN
import Tensor
import SeededRandom

/// Times one configuration: warm-up calls, then `repeats` timed calls; the median is the figure.
func measure(_ c: Configuration, _ options: Options) throws -> [String: Any] {
    // --precision bf16 also trains in bf16; int8 is for inference only.
    if c.mode == "train" && options.precision == .int8 { throw BenchError("--precision int8 does not train; use fp32 or bf16") }
    let training: TrainingPrecision = c.mode == "train" && options.precision == .bf16 ? .bf16 : .fp32
    return try EngineOptions.$blockedLayouts.withValue(!options.plain) {
        try EngineOptions.$winograd.withValue(options.winograd) {
            try EngineOptions.$fuseInference.withValue(options.fuse) {
                try EngineOptions.$trainingPrecision.withValue(training) { try measureHere(c, options) }
            }
        }
    }
}

private func measureHere(_ c: Configuration, _ options: Options) throws -> [String: Any] {
    guard let architecture = ResNetArchitecture(name: c.model) else {
        throw BenchError("unknown model \(c.model)")
    }
    var rng = SeededGenerator(seed: 0)
    let model = ResNet(architecture, classes: 2, seed: 0)
    let x = Variable(Tensor.normal([c.batch, 3, c.size, c.size], using: &rng))
    let labels = (0..<c.batch).map { _ in Int(rng.next() & 1) }
    let work = ResNetWork(architecture, size: c.size)

    let step: () throws -> Void
    // Seconds in forward + loss, backward and the optimizer, per synthetic training step.
    var phases: [[Double]] = []
    if c.mode == "train" && options.loader {
        model.train()
        let optimizer = SGD(parameters: model.namedParameters(), learningRate: 0.01, momentum: 0.9)
        let steps = options.warmup + options.repeats
        guard let loader = try realDataLoader(size: c.size, batch: c.batch, images: steps * c.batch) else {
            throw BenchError("--loader needs the cutouts under \(dataRoot().path)/pcc")
        }
        step = {
            guard let batch = try loader.next() else { throw BenchError("loader ran out of batches") }
            optimizer.zeroGrad()
            let loss = try softmaxCrossEntropy(logits: model(Variable(batch.images)), labels: batch.labels)
            try loss.backward()
            try optimizer.step()
        }
    } else if c.mode == "train" {
        model.train()
        let optimizer = SGD(parameters: model.namedParameters(), learningRate: 0.01, momentum: 0.9)
        step = {
            let t0 = DispatchTime.now().uptimeNanoseconds
            optimizer.zeroGrad()
            let loss = try softmaxCrossEntropy(logits: model(x), labels: labels)
            let t1 = DispatchTime.now().uptimeNanoseconds
            try loss.backward()
            let t2 = DispatchTime.now().uptimeNanoseconds
            try optimizer.step()
            let t3 = DispatchTime.now().uptimeNanoseconds
            phases.append([t1 - t0, t2 - t1, t3 - t2].map { Double($0) / 1e9 })
        }
    } else {
        model.eval()
        if options.precision == .int8 {
            _ = try EngineOptions.$calibrating.withValue(true) { try withNoGrad { try model(x) } }
        }
        step = { _ = try EngineOptions.$precision.withValue(options.precision) { try withNoGrad { try model(x) } } }
    }
    for _ in 0..<options.warmup { try step() }
    var times: [Double] = []
    for _ in 0..<options.repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        try step()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    let sorted = times.sorted()
    let med = times.count % 2 == 1 ? sorted[times.count / 2] : (sorted[times.count / 2 - 1] + sorted[times.count / 2]) / 2
    let perImage = c.mode == "train" ? work.trainingStep : work.forward
    let imagesPerSecond = Double(c.batch) / med
    var record: [String: Any] = [
        "framework": "perseus", "threads": Parallel.threadCount, "model": c.model, "mode": c.mode,
        "input": "3x\(c.size)x\(c.size)", "batch": c.batch, "memory_format": options.plain ? "nchw" : "blocked",
        "engine": options.plain ? "plain" : "blocked" + (options.winograd ? "+winograd" : "") + (options.fuse ? "" : "-nofuse"), "warmup": options.warmup,
        "repeats": options.repeats, "median_s_per_batch": med, "min_s_per_batch": sorted.first!,
        "max_s_per_batch": sorted.last!, "images_per_s": imagesPerSecond,
        "fwd_gflop_per_image": work.forward / 1e9, "work_gflop_per_image": perImage / 1e9,
        "achieved_gflop_s": imagesPerSecond * perImage / 1e9, "params": model.parameterCount,
        "loader": options.loader, "precision": options.precision.rawValue, "omp_wait_policy": ProcessInfo.processInfo.environment["OMP_WAIT_POLICY"] ?? "default",
    ]
    if let peak = peakResidentMiB() { record["peak_rss_mb"] = peak }
    let timed = phases.suffix(options.repeats)
    if !timed.isEmpty {
        for (i, name) in ["forward_s", "backward_s", "optimizer_s"].enumerated() {
            let values = timed.map { $0[i] }.sorted()
            record[name] = values[values.count / 2]
        }
    }
    return record
}

/// `JSON {...}` with sorted keys, one line.
func jsonLine(_ record: [String: Any]) -> String {
    let data = try! JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
    return "JSON " + String(decoding: data, as: UTF8.self)
}
