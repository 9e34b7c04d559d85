import Autodiff
import Tensor

/// Where a ResNet can be cut in two: after the stem (`conv1`, `bn1`, ReLU, max pooling) or after a stage.
public enum ResNetStage: String, Sendable, CaseIterable, Codable {
    case stem, layer1, layer2, layer3, layer4

    public var depth: Int { Self.allCases.firstIndex(of: self)! }
}

extension ResNet {
    /// The activation after `stage` ([N, C, h, w]; `layer4` is the last convolutional stage). Together with
    /// `head(_:after:)` it is the whole network: `head(features(x, upTo: s), after: s) == self(x)`. Saliency
    /// methods make the activation a leaf (`Variable(a.value, requiresGrad: true)`) and run the head on it to get
    /// the class score's gradient with respect to the activation (Grad-CAM).
    public func features(_ x: Variable, upTo stage: ResNetStage = .layer4) throws -> Variable {
        guard x.shape.count == 4, x.shape[1] == inputChannels else {
            throw EngineError.shape(op: "ResNet.features", "input \(x.shape), expected [N, \(inputChannels), H, W]")
        }
        var h = try maxpool(relu(bn1(conv1(x))))
        for (i, layer) in [layer1, layer2, layer3, layer4].enumerated() where i < stage.depth {
            h = try layer(h)
        }
        return h
    }

    /// The rest of the network after `stage`: the remaining stages, global average pooling and `fc`.
    public func head(_ features: Variable, after stage: ResNetStage = .layer4) throws -> Variable {
        var h = features
        for (i, layer) in [layer1, layer2, layer3, layer4].enumerated() where i >= stage.depth {
            h = try layer(h)
        }
        return try fc(avgpool(h))
    }
}
