import Foundation
import Testing
import Tensor
import Autodiff
@testable import NN

@Suite struct ResNetStructureTests {
    /// sum(p.numel() for p in model.parameters()) of torchvision 0.29's models with num_classes=2
    /// (resnet10 is torchvision's ResNet(BasicBlock, [1, 1, 1, 1])).
    static let torchvisionCounts: [(String, Int)] = [
        ("resnet10", 4_906_818), ("resnet18", 11_177_538), ("resnet34", 21_285_698),
        ("resnet50", 23_512_130), ("resnet101", 42_504_258), ("resnet152", 58_147_906),
    ]

    @Test(arguments: torchvisionCounts)
    func parameterCountEqualsTorchvision(name: String, count: Int) throws {
        let architecture = try #require(ResNetArchitecture(name: name))
        let model = ResNet(architecture, classes: 2)
        #expect(model.parameterCount == count)
        // Other channels and classes change only the stem and the head.
        guard architecture.layers.reduce(0, +) < 20 else { return }    // (spare the time of building the deep ones twice)
        let other = ResNet(architecture, inputChannels: 5, classes: 7)
        let features = 512 * architecture.block.expansion
        #expect(other.parameterCount == count + 2 * 64 * 49 + 5 * (features + 1))
    }

    @Test func keysAreTorchvisions() {
        let model = ResNet(.resnet18, classes: 2)
        let keys = model.stateDict().map(\.name)
        #expect(keys.count == 122)    // len(torchvision.models.resnet18().state_dict())
        #expect(Array(keys.prefix(8)) == ["conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var",
                                          "bn1.num_batches_tracked", "layer1.0.conv1.weight", "layer1.0.bn1.weight"])
        for key in ["layer2.0.downsample.0.weight", "layer2.0.downsample.1.running_var", "layer4.1.bn2.bias",
                    "fc.weight", "fc.bias"] {
            #expect(keys.contains(key), "\(key)")
        }
        #expect(!keys.contains("layer1.0.downsample.0.weight"))
        let bottleneck = ResNet(.resnet50, classes: 2).stateDict().map(\.name)
        #expect(bottleneck.contains("layer1.0.downsample.0.weight") && bottleneck.contains("layer3.5.bn3.weight"))
        #expect(bottleneck.count == 320)    // len(torchvision.models.resnet50().state_dict())
    }

    @Test func shapesAndInitialisation() throws {
        let model = ResNet(.resnet50, inputChannels: 1, classes: 3, zeroInitResidual: true, seed: 4)
        let state = Dictionary(uniqueKeysWithValues: model.stateDict().map { ($0.name, $0.value) })
        #expect(state["conv1.weight"]?.shape == [64, 1, 7, 7])
        #expect(state["layer2.0.conv2.weight"]?.shape == [128, 128, 3, 3])     // the stride is here (v1.5)
        #expect(model.layer2.children[0].module.children[2].module is Conv2d)
        #expect((model.layer2.layers[0] as? Bottleneck)?.conv2.stride == 2)
        #expect((model.layer2.layers[0] as? Bottleneck)?.conv1.stride == 1)
        #expect(state["fc.weight"]?.shape == [3, 2048])
        #expect(state["bn1.num_batches_tracked"] == .int64(shape: [], values: [0]))
        #expect(state["layer1.0.bn3.weight"] == .float32(Tensor.zeros([256])))   // zero-init residual
        #expect(state["layer1.0.bn2.weight"] == .float32(Tensor.ones([64])))

        // Kaiming normal, fan-out: std sqrt(2 / (128 * 9)) = 0.0417 for layer2's 3x3 convolution.
        guard case let .float32(w) = state["layer2.0.conv2.weight"]! else { Issue.record("dtype"); return }
        let mean = w.scalars.reduce(0, +) / Float(w.count)
        let std = (w.scalars.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(w.count)).squareRoot()
        #expect(abs(mean) < 0.001 && abs(std - 0.0417) < 0.001, "mean \(mean) std \(std)")
        // fc: U(-1/sqrt(2048), 1/sqrt(2048)).
        guard case let .float32(fc) = state["fc.weight"]! else { return }
        #expect(fc.scalars.allSatisfy { abs($0) <= 1 / Float(2048).squareRoot() })
        #expect(fc.scalars.max()! > 0.02)

        // Same seed, same weights; another seed, others.
        #expect(ResNet(.resnet10, classes: 2, seed: 1).stateDict().map(\.value) == ResNet(.resnet10, classes: 2, seed: 1).stateDict().map(\.value))
        #expect(ResNet(.resnet10, classes: 2, seed: 1).stateDict().map(\.value) != ResNet(.resnet10, classes: 2, seed: 2).stateDict().map(\.value))
    }

    @Test func architectureIsInferredFromKeys() {
        for (name, architecture) in ResNetArchitecture.all {
            let keys = ResNet(architecture, classes: 2).stateDict().map(\.name)
            #expect(ResNetArchitecture(stateKeys: keys) == architecture, "\(name)")
            #expect(architecture.description == name)
        }
        #expect(ResNetArchitecture(stateKeys: ["conv1.weight", "fc.weight"]) == nil)
        #expect(ResNetArchitecture(block: .basic, layers: [2, 1, 1, 1]).description == "resnet(basic, [2, 1, 1, 1])")
    }

    @Test func modeReachesEveryModule() {
        let model = ResNet(.resnet10, classes: 2)
        model.eval()
        #expect(model.namedModules().allSatisfy { !$0.module.isTraining })
        model.train()
        #expect(model.namedModules().allSatisfy { $0.module.isTraining })
    }
}
