import ArgumentParser
import Autodiff
import Foundation
import NN
import Tensor

/// `perseus model ...`: create, run and inspect ResNet weights in safetensors files that PyTorch reads.
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Create, run and inspect ResNet weights (safetensors files with torchvision's names).",
        subcommands: [Init.self, Forward.self, Summary.self])

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a freshly initialised ResNet (torchvision's initialisation, seeded).")

        @Option(help: "Architecture: \(ResNetArchitecture.all.map(\.name).joined(separator: ", ")).") var arch: String
        @Option(help: "Number of classes (outputs of fc).") var classes: Int
        @Option(help: "Number of input channels (1 greyscale, 3 colour, more for multi-band images).") var channels: Int = 3
        @Option(help: "Seed of the random initialisation; the same seed gives the same weights.") var seed: UInt64 = 0
        @Flag(help: "Start each residual block's last batch norm at scale 0 (each block starts as the identity).") var zeroInitResidual = false
        @Option(help: "Output .safetensors file.") var out: String
        @Flag(help: "Overwrite the output file if it exists.") var force = false

        func validate() throws {
            guard ResNetArchitecture(name: arch) != nil else {
                throw ValidationError("unknown architecture '\(arch)'; choose one of \(ResNetArchitecture.all.map(\.name).joined(separator: ", "))")
            }
            guard classes >= 1 else { throw ValidationError("--classes must be at least 1") }
            guard channels >= 1 else { throw ValidationError("--channels must be at least 1") }
            if !force && FileManager.default.fileExists(atPath: out) {
                throw ValidationError("\(out) exists; pass --force to overwrite it")
            }
        }

        func run() throws {
            let model = ResNet(ResNetArchitecture(name: arch)!, inputChannels: channels, classes: classes,
                               zeroInitResidual: zeroInitResidual, seed: seed)
            try model.save(to: URL(fileURLWithPath: out), extra: ["perseus.seed": String(seed)])
            print("wrote \(out): \(model.architecture), \(channels) input channels, \(classes) classes, \(model.parameterCount.formatted) parameters")
        }
    }

    struct Forward: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a ResNet in evaluation mode on a float32 NCHW .npy array and write the logits as .npy.")

        @Option(help: "Weights (.safetensors, from Perseus or saved from PyTorch).") var weights: String
        @Option(help: "Input images: float32 array [N, C, H, W] in NumPy's .npy format.") var input: String
        @Option(help: "Output logits: float32 array [N, classes] in .npy format.") var out: String
        @Option(help: "Architecture, when the file does not record it and its keys should not decide.") var arch: String?
        @Option(help: "Images per forward pass (memory against speed).") var batchSize: Int = 16

        func validate() throws {
            if let arch, ResNetArchitecture(name: arch) == nil {
                throw ValidationError("unknown architecture '\(arch)'; choose one of \(ResNetArchitecture.all.map(\.name).joined(separator: ", "))")
            }
            guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        }

        func run() throws {
            let model = try ResNet(contentsOf: URL(fileURLWithPath: weights), architecture: arch.flatMap(ResNetArchitecture.init(name:)))
            let images = try NumPyArray.read(contentsOf: URL(fileURLWithPath: input))
            guard images.rank == 4, images.shape[1] == model.inputChannels, images.shape[0] >= 1 else {
                throw CheckpointError.mismatch(file: input, "shape \(images.shape); the model in \(weights) needs [N, \(model.inputChannels), H, W]")
            }
            model.eval()
            let logits = try withNoGrad {
                var parts: [Tensor] = []
                for start in stride(from: 0, to: images.shape[0], by: batchSize) {
                    let batch = images.batch(start..<min(start + batchSize, images.shape[0]))
                    parts.append(try model(Variable(batch)).value)
                }
                return Tensor(shape: [images.shape[0], model.classes], scalars: parts.flatMap(\.scalars))
            }
            try NumPyArray.write(logits, to: URL(fileURLWithPath: out))
            print("wrote \(out): logits \(logits.shape) from \(model.architecture)")
        }
    }

    struct Summary: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a weights file's architecture, each tensor's shape and the parameter count.")

        @Option(help: "Weights (.safetensors).") var weights: String

        func run() throws {
            let file = try SafeTensors(contentsOf: URL(fileURLWithPath: weights))
            let model = try ResNet(file, source: weights)
            let recorded = file.metadata[ResNet.MetadataKey.architecture]
            print("\(weights): \(model.architecture) (\(recorded == nil ? "inferred from the keys" : "recorded")), \(model.architecture.block) blocks \(model.architecture.layers)")
            print("input channels \(model.inputChannels), classes \(model.classes)")
            for (key, value) in file.metadata.sorted(by: { $0.key < $1.key }) { print("metadata \(key) = \(value)") }
            for (name, value) in model.stateDict() {
                print("  \(name)  \(value.dtype.rawValue) \(value.shape)")
            }
            let buffers = model.namedBuffers().count
            print("\(model.stateDict().count) tensors (\(buffers) buffers); \(model.parameterCount.formatted) parameters")
        }
    }
}

extension Tensor {
    /// Images `range` of a batch [N, ...].
    fileprivate func batch(_ range: Range<Int>) -> Tensor {
        let size = count / shape[0]
        return Tensor(shape: [range.count] + shape.dropFirst(), scalars: Array(scalars[(range.lowerBound * size)..<(range.upperBound * size)]))
    }
}

extension Int {
    /// 11177538 -> "11,177,538".
    fileprivate var formatted: String {
        let digits = Array(String(self))
        return String(digits.enumerated().flatMap { i, d in (i > 0 && (digits.count - i) % 3 == 0) ? [",", d] : [d] })
    }
}
