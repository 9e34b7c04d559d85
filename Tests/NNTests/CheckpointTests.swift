import Foundation
import Testing
import Tensor
import Autodiff
@testable import NN

@Suite struct CheckpointTests {
    func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    func refusal(_ body: () throws -> Void) -> String {
        do { try body(); return "accepted" } catch { return "\(error)" }
    }

    @Test func modelRoundTripRecordsTheArchitecture() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("m.safetensors")
        let model = ResNet(.resnet10, inputChannels: 2, classes: 3, seed: 1)
        model.bn1.running.batchesTracked = 17
        model.bn1.running.mean = Tensor(shape: [64], repeating: 0.25)
        try model.save(to: url, extra: ["note": "x"])

        let loaded = try ResNet(contentsOf: url)
        #expect(loaded.architecture == .resnet10 && loaded.inputChannels == 2 && loaded.classes == 3)
        #expect(loaded.stateDict().map(\.name) == model.stateDict().map(\.name))
        #expect(loaded.stateDict().map(\.value) == model.stateDict().map(\.value))
        let other = ResNet(.resnet10, inputChannels: 2, classes: 3, seed: 2)
        let metadata = try other.load(from: url)
        #expect(metadata["perseus.architecture"] == "resnet10" && metadata["note"] == "x")
        #expect(other.stateDict().map(\.value) == model.stateDict().map(\.value))
    }

    @Test func mismatchedStateIsRefusedAndNothingChanges() throws {
        let model = ResNet(.resnet10, classes: 2, seed: 1)
        let before = model.stateDict().map(\.value)
        let good = Dictionary(uniqueKeysWithValues: ResNet(.resnet10, classes: 2, seed: 2).stateDict().map { ($0.name, $0.value) })

        var missing = good
        missing["layer3.0.bn2.running_var"] = nil
        let m = refusal { try model.loadStateDict(missing, source: "a.safetensors") }
        #expect(m.contains("a.safetensors") && m.contains("missing keys: layer3.0.bn2.running_var"), "\(m)")

        var unexpected = good
        unexpected["head.weight"] = .float32(Tensor.zeros([1]))
        #expect(refusal { try model.loadStateDict(unexpected) }.contains("unexpected keys: head.weight"))

        var shape = good
        shape["fc.weight"] = .float32(Tensor.zeros([3, 512]))
        #expect(refusal { try model.loadStateDict(shape) }.contains("fc.weight has shape [3, 512], the model needs [2, 512]"))

        var dtype = good
        dtype["bn1.num_batches_tracked"] = .float32(Tensor(0))
        #expect(refusal { try model.loadStateDict(dtype) }.contains("bn1.num_batches_tracked has dtype F32, the model needs I64"))

        #expect(model.stateDict().map(\.value) == before)
        try model.loadStateDict(good)
        #expect(model.stateDict().map(\.value) != before)
    }

    @Test func damagedFilesAreRefused() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("m.safetensors")
        try ResNet(.resnet10, classes: 2).save(to: url)
        let bytes = try Data(contentsOf: url)

        let truncated = folder.appendingPathComponent("truncated.safetensors")
        try bytes.prefix(bytes.count / 2).write(to: truncated)
        let t = refusal { _ = try ResNet(contentsOf: truncated) }
        #expect(t.contains("truncated.safetensors") && t.contains("out of range"), "\(t)")

        let garbage = folder.appendingPathComponent("garbage.safetensors")
        try Data((0..<1000).map { UInt8($0 % 251) }).write(to: garbage)
        #expect(refusal { _ = try ResNet(contentsOf: garbage) }.contains("garbage.safetensors"))

        #expect(refusal { _ = try ResNet(contentsOf: folder.appendingPathComponent("absent.safetensors")) }
            .contains("cannot read"))

        // The wrong architecture, named explicitly: a ResNet-18 has keys a ResNet-10 file lacks.
        let wrong = refusal { _ = try ResNet(contentsOf: url, architecture: .resnet18) }
        #expect(wrong.contains("missing keys: layer1.1.conv1.weight"), "\(wrong)")
    }
}
