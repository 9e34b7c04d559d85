import Foundation
import Tensor

/// Command-line options, as `torch_resnet_bench.py` takes them, plus what selects and runs single measurements.
struct Options {
    var threads = 2
    var warmup = 5
    var repeats = 10
    /// Run every measurement in this process (no per-measurement memory peaks).
    var inProcess = false
    /// Run one measurement (`model,mode,size,batch`) here and print its JSON line; what the parent spawns.
    var one: Configuration?
    /// Only these models/modes (empty: all).
    var models: [String] = []
    var modes: [String] = []
    var pipeline = true
    var network = true
    /// Engine paths (for measuring what each optimisation buys): the plain reference path, Winograd, fusion.
    var plain = false
    var winograd = true
    var fuse = true
    /// Feed training steps from the real-data loader (decoding on the engine's threads between steps, as training
    /// does) instead of one synthetic batch: the loader's cost beside the step's.
    var loader = false
    /// Inference convolutions in bf16 or int8 (int8 calibrated on the synthetic batch first).
    var precision = InferencePrecision.fp32
    /// Input-pipeline images per measurement.
    var pipelineImages = 400

    static let usage = """
        usage: PerseusBench [--threads N] [--warmup N] [--repeats N] [--quick] [--model resnet18|resnet10]...
                            [--mode train|infer]... [--no-pipeline] [--pipeline-only] [--pipeline-images N] [--in-process]
                            [--plain] [--direct] [--no-fuse] [--loader] [--precision fp32|bf16|int8]
        Measures ResNet-18/10 training steps and inference on synthetic data (each measurement in a fresh process,
        so its peak resident memory is its own), and the input pipeline on the real cutouts when they are present.
        --plain: the unoptimised reference path (plain NCHW, reorders around every convolution);
        --direct: no Winograd convolutions; --no-fuse: no batch-norm folding at inference;
        --loader: training steps fed by the real-data loader (decode + augment on the engine threads between steps);
        --precision: convolutions in bf16 or int8 (int8: inference only, calibrated on the synthetic batch; bf16 also
          trains, with fp32 master weights).
        """

    init(_ arguments: [String]) throws {
        var rest = arguments[...]
        func value(_ flag: String) throws -> String {
            guard let v = rest.popFirst() else { throw BenchError("\(flag) needs a value") }
            return v
        }
        func int(_ flag: String) throws -> Int {
            let v = try value(flag)
            guard let n = Int(v), n >= 0 else { throw BenchError("\(flag) \(v): not a count") }
            return n
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--threads": threads = max(1, try int(flag))
            case "--warmup": warmup = try int(flag)
            case "--repeats": repeats = max(1, try int(flag))
            case "--quick": (warmup, repeats, pipelineImages) = (1, 3, 160)
            case "--in-process": inProcess = true
            case "--plain": plain = true
            case "--winograd": winograd = true
            case "--no-fuse": fuse = false
            case "--direct": winograd = false
            case "--loader": loader = true
            case "--model": models.append(try value(flag))
            case "--mode": modes.append(try value(flag))
            case "--no-pipeline": pipeline = false
            case "--pipeline-only": network = false
            case "--pipeline-images": pipelineImages = max(1, try int(flag))
            case "--one": one = try Configuration(parsing: try value(flag))
            case "--precision":
                let v = try value(flag)
                guard let p = InferencePrecision(rawValue: v) else { throw BenchError("--precision \(v): fp32, bf16 or int8") }
                precision = p
            case "-h", "--help": print(Self.usage); exit(0)
            default: throw BenchError("unknown option \(flag)\n\(Self.usage)")
            }
        }
    }

    /// The arguments a child process gets to repeat these settings.
    var childArguments: [String] {
        ["--threads", "\(threads)", "--warmup", "\(warmup)", "--repeats", "\(repeats)"]
            + (plain ? ["--plain"] : []) + (winograd ? [] : ["--direct"]) + (loader ? ["--loader"] : []) + (fuse ? [] : ["--no-fuse"])
            + ["--precision", precision.rawValue]
    }
}

/// One measurement: a model, training step or inference, a square input size and a batch size.
struct Configuration: Equatable {
    var model: String
    var mode: String
    var size: Int
    var batch: Int

    /// The measurements of `torch_resnet_bench.py`, in its order.
    static let all: [Configuration] = ["resnet18", "resnet10"].flatMap { model in
        [Configuration(model: model, mode: "train", size: 200, batch: 20),
         Configuration(model: model, mode: "train", size: 64, batch: 64),
         Configuration(model: model, mode: "infer", size: 200, batch: 20),
         Configuration(model: model, mode: "infer", size: 64, batch: 256)]
    }

    init(model: String, mode: String, size: Int, batch: Int) {
        (self.model, self.mode, self.size, self.batch) = (model, mode, size, batch)
    }

    init(parsing text: String) throws {
        let parts = text.split(separator: ",").map(String.init)
        guard parts.count == 4, ["train", "infer"].contains(parts[1]), let size = Int(parts[2]),
              let batch = Int(parts[3]), size >= 32, batch >= 1 else {
            throw BenchError("--one \(text): expected model,train|infer,size,batch")
        }
        self.init(model: parts[0], mode: parts[1], size: size, batch: batch)
    }

    var argument: String { "\(model),\(mode),\(size),\(batch)" }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
