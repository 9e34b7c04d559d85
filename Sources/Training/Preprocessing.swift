import Foundation
import Imaging
import Tensor

/// How images become network inputs: their size and channels, and the per-channel normalisation measured on the
/// training images. Saved in every checkpoint's metadata, so a run's model is always fed as it was trained.
public struct Preprocessing: Codable, Equatable, Sendable {
    public var inputSize: Int
    public var grey: Bool
    public var mean: [Float]
    public var std: [Float]

    public init(inputSize: Int, grey: Bool, mean: [Float], std: [Float]) {
        self.inputSize = inputSize
        self.grey = grey
        self.mean = mean
        self.std = std
    }

    public static let metadataKey = "perseus.preprocessing"

    /// Measures the normalisation on (up to `limit`) training images, unaugmented.
    public static func measure(on samples: SampleSet, inputSize: Int, grey: Bool, limit: Int = 256) throws -> Preprocessing {
        let step = max(1, samples.count / limit)
        let images = try stride(from: 0, to: samples.count, by: step).map { try samples.load($0, .identity) }
        let statistics = try ChannelStatistics(of: images)
        return Preprocessing(inputSize: inputSize, grey: grey, mean: statistics.mean,
                             std: statistics.std.map { max($0, 1e-6) })
    }

    /// A normalised batch [N, C, H, W] from images already at the input size.
    public func batch(_ images: [Image]) throws -> Tensor {
        try ChannelStatistics(mean: mean, std: std).normalise(Tensor(batch: images))
    }

    public func normalise(_ batch: Tensor) throws -> Tensor {
        try ChannelStatistics(mean: mean, std: std).normalise(batch)
    }

    /// JSON with sorted keys: an encoder's default key order follows Swift's per-process hash seed, which would
    /// make two identical runs write different checkpoint bytes.
    public var metadataValue: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }

    public init(metadata: [String: String], source: String) throws {
        guard let text = metadata[Self.metadataKey],
              let value = try? JSONDecoder().decode(Preprocessing.self, from: Data(text.utf8)) else {
            throw ConfigurationError(message: "\(source): no Perseus preprocessing in its metadata (not a training checkpoint?)")
        }
        self = value
    }
}
