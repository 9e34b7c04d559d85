import Tensor

/// Images to the network's input: a batch tensor [N, C, H, W], and per-channel normalisation.
extension Tensor {
    /// Stacks same-sized images into [N, C, H, W] (an `Image` is already C, H, W).
    public init(batch images: [Image]) throws {
        guard let first = images.first else {
            throw ImageError(.badArgument, "image batch", "no images to stack")
        }
        let (c, h, w) = (first.channels, first.height, first.width)
        if let odd = images.firstIndex(where: { ($0.channels, $0.height, $0.width) != (c, h, w) }) {
            let other = images[odd]
            throw ImageError(.badArgument, "image batch",
                             "image \(odd) is \(other.channels)x\(other.height)x\(other.width) (CxHxW), image 0 is \(c)x\(h)x\(w)")
        }
        var scalars: [Float] = []
        scalars.reserveCapacity(images.count * c * h * w)
        for image in images { scalars.append(contentsOf: image.pixels) }
        self.init(shape: [images.count, c, h, w], scalars: scalars)
    }
}

extension Image {
    /// Image `index` of a [N, C, H, W] tensor.
    public init(batch tensor: Tensor, index: Int) throws {
        guard tensor.rank == 4, (0..<tensor.shape[0]).contains(index) else {
            throw ImageError(.badArgument, "image from batch", "no image \(index) in a tensor of shape \(tensor.shape)")
        }
        let (c, h, w) = (tensor.shape[1], tensor.shape[2], tensor.shape[3])
        let size = c * h * w
        self.init(width: w, height: h, channels: c, pixels: Array(tensor.scalars[(index * size)..<((index + 1) * size)]))
    }
}

/// Per-channel mean and standard deviation, for input normalisation (x - mean) / std.
public struct ChannelStatistics: Sendable, Equatable, Codable {
    public var mean: [Float]
    public var std: [Float]

    public init(mean: [Float], std: [Float]) {
        precondition(mean.count == std.count, "ChannelStatistics: \(mean.count) means but \(std.count) deviations")
        self.mean = mean
        self.std = std
    }

    /// Measured over every pixel of `images` (accumulated in Double), e.g. the training split only.
    public init(of images: [Image]) throws {
        guard let first = images.first else { throw ImageError(.badArgument, "channel statistics", "no images") }
        guard images.allSatisfy({ $0.channels == first.channels }) else {
            throw ImageError(.badArgument, "channel statistics", "images have different channel counts")
        }
        var sum = [Double](repeating: 0, count: first.channels), squares = sum, count = 0.0
        for image in images {
            let plane = image.width * image.height
            count += Double(plane)
            image.pixels.withUnsafeBufferPointer { p in
                for c in 0..<image.channels {
                    var s = 0.0, s2 = 0.0
                    for i in (c * plane)..<((c + 1) * plane) { let v = Double(p[i]); s += v; s2 += v * v }
                    sum[c] += s
                    squares[c] += s2
                }
            }
        }
        let mean = sum.map { $0 / max(count, 1) }
        let std = zip(squares, mean).map { max($0 / max(count, 1) - $1 * $1, 0).squareRoot() }
        self.init(mean: mean.map(Float.init), std: std.map { Float(max($0, 1e-6)) })
    }

    /// `batch` ([N, C, H, W]) with each channel shifted and scaled to zero mean, unit deviation.
    public func normalise(_ batch: Tensor) throws -> Tensor {
        guard batch.rank == 4, batch.shape[1] == mean.count else {
            throw ImageError(.badArgument, "normalise", "tensor of shape \(batch.shape) does not have \(mean.count) channels on axis 1")
        }
        var out = batch
        let (n, c, plane) = (batch.shape[0], batch.shape[1], batch.shape[2] * batch.shape[3])
        out.withUnsafeMutableBufferPointer { p in
            for b in 0..<n {
                for ch in 0..<c {
                    let (m, s) = (mean[ch], 1 / std[ch])
                    let base = (b * c + ch) * plane
                    for i in base..<(base + plane) { p[i] = (p[i] - m) * s }
                }
            }
        }
        return out
    }
}

extension Array where Element == Image {
    /// These images followed by black ones of the first's size, `count` in all: one batch shape for the engine,
    /// which keeps memory per batch shape it has seen.
    public func padded(to count: Int) -> [Image] {
        guard let first, self.count < count else { return self }
        return self + Array(repeating: Image(width: first.width, height: first.height, channels: first.channels),
                            count: count - self.count)
    }
}
