import Foundation
import Imaging
import Tensor

/// How images become network inputs: their size and channels, an optional per-band asinh stretch, and the
/// per-channel normalisation measured on the training images. Saved in every checkpoint's metadata, so a run's
/// model is always fed as it was trained.
public struct Preprocessing: Codable, Equatable, Sendable {
    public var inputSize: Int
    public var grey: Bool
    public var mean: [Float]
    public var std: [Float]
    /// Input bands; nil in checkpoints from before multi-band input (then 1 if grey, else 3).
    public var channels: Int?
    /// Per-band asinh stretch applied before the normalisation (FITS data in physical units), or nil.
    public var stretch: [BandStretch]?
    /// The object's magnitude as one more plane after the bands (`TrainingConfiguration.magnitudeInput`); nil in
    /// checkpoints without it.
    public var magnitudePlane: Bool?

    public init(inputSize: Int, grey: Bool, mean: [Float], std: [Float], channels: Int? = nil,
                stretch: [BandStretch]? = nil, magnitudePlane: Bool = false) {
        self.inputSize = inputSize
        self.grey = grey
        self.mean = mean
        self.std = std
        self.channels = channels
        self.stretch = stretch
        self.magnitudePlane = magnitudePlane ? true : nil
    }

    /// The images' bands.
    public var bands: Int { channels ?? (grey ? 1 : 3) }

    /// The planes the network takes: the bands, then the magnitude's.
    public var inputChannels: Int { bands + (magnitudePlane == true ? 1 : 0) }

    public static let metadataKey = "perseus.preprocessing"

    /// Measures the stretch (when asked) and then the normalisation on (up to `limit`) training images, unaugmented.
    public static func measure(on samples: SampleSet, inputSize: Int, grey: Bool, channels: Int? = nil,
                               magnitudePlane: Bool = false, stretch: Bool = false, limit: Int = 256) throws
        -> Preprocessing
    {
        let step = max(1, samples.count / limit)
        var images = try stride(from: 0, to: samples.count, by: step).map { try samples.load($0, .identity) }
        let bands = stretch ? try BandStretch.measure(images) : nil
        if let bands { images = try images.map { try BandStretch.apply(bands, to: $0) } }
        let statistics = try ChannelStatistics(of: images)
        return Preprocessing(inputSize: inputSize, grey: grey, mean: statistics.mean,
                             std: statistics.std.map { max($0, 1e-6) }, channels: channels, stretch: bands,
                             magnitudePlane: magnitudePlane)
    }

    /// A normalised batch [N, C, H, W] from images already at the input size.
    public func batch(_ images: [Image]) throws -> Tensor {
        try normalise(Tensor(batch: images))
    }

    /// Stretches (if the run has a stretch) and normalises a batch [N, C, H, W].
    public func normalise(_ batch: Tensor) throws -> Tensor {
        var batch = batch
        if let stretch { try BandStretch.apply(stretch, to: &batch) }
        return try ChannelStatistics(mean: mean, std: std).normalise(batch)
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

/// asinh((x - sky) / softening) for one band: linear within about a noise level of the sky, logarithmic for
/// bright light, so faint outskirts and bright cores of a FITS cutout in physical units both stay visible
/// (Lupton et al. 1999's asinh magnitudes, band by band).
public struct BandStretch: Codable, Equatable, Sendable {
    public var sky: Float
    public var softening: Float

    public init(sky: Float, softening: Float) {
        precondition(softening > 0, "BandStretch: softening must be positive")
        self.sky = sky
        self.softening = softening
    }

    /// Per band: the sky as the median of the pixels, the softening as the sky noise (1.4826 x the median
    /// absolute deviation, a robust standard deviation), measured over all `images`.
    public static func measure(_ images: [Image]) throws -> [BandStretch] {
        guard let first = images.first else { throw ConfigurationError(message: "band stretch: no images to measure") }
        guard images.allSatisfy({ $0.channels == first.channels }) else {
            throw ConfigurationError(message: "band stretch: the images have different numbers of bands")
        }
        return (0..<first.channels).map { band in
            var values: [Float] = []
            for image in images {
                let plane = image.width * image.height
                values.append(contentsOf: image.pixels[(band * plane)..<((band + 1) * plane)])
            }
            let sky = median(values)
            let noise = 1.4826 * median(values.map { abs($0 - sky) })
            return BandStretch(sky: sky, softening: max(noise, 1e-6 * max(1, abs(sky))))
        }
    }

    static func apply(_ bands: [BandStretch], to image: Image) throws -> Image {
        var t = Tensor(shape: [1, image.channels, image.height, image.width], scalars: image.pixels)
        try apply(bands, to: &t)
        return Image(width: image.width, height: image.height, channels: image.channels, pixels: t.scalars)
    }

    static func apply(_ bands: [BandStretch], to batch: inout Tensor) throws {
        guard batch.rank == 4, batch.shape[1] == bands.count else {
            throw ConfigurationError(message: "band stretch: a batch of shape \(batch.shape) does not have \(bands.count) bands on axis 1")
        }
        let (n, c, plane) = (batch.shape[0], batch.shape[1], batch.shape[2] * batch.shape[3])
        batch.withUnsafeMutableBufferPointer { p in
            for i in 0..<n {
                for b in 0..<c {
                    let (sky, scale) = (bands[b].sky, 1 / bands[b].softening)
                    let base = (i * c + b) * plane
                    for j in base..<(base + plane) { p[j] = asinh((p[j] - sky) * scale) }
                }
            }
        }
    }
}

private func median(_ values: [Float]) -> Float {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}
