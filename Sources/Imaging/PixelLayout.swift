/// Conversion between the interleaved integer samples codecs speak (RGBRGB..., 8 or 16 bits) and our planar
/// Float32 `Image`. Integer samples map to 0...1 by dividing by the largest value (255 or 65535); going back,
/// values are clamped to 0...1 and rounded to the nearest level.
extension Image {
    /// Planar image from interleaved samples scaled by `1 / maxValue`.
    init<Sample: BinaryInteger>(interleaved samples: UnsafeBufferPointer<Sample>, width: Int, height: Int,
                                channels: Int, maxValue: Float) {
        var pixels = [Float](repeating: 0, count: width * height * channels)
        let plane = width * height
        pixels.withUnsafeMutableBufferPointer { out in
            for i in 0..<plane {
                for c in 0..<channels {
                    out[c * plane + i] = Float(samples[i * channels + c]) / maxValue
                }
            }
        }
        self.init(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// Interleaved samples with values clamped to 0...1 and scaled to 0...maxValue.
    func interleaved<Sample: BinaryInteger>(as _: Sample.Type, maxValue: Float) -> [Sample] {
        var samples = [Sample](repeating: 0, count: pixels.count)
        let plane = width * height
        pixels.withUnsafeBufferPointer { src in
            samples.withUnsafeMutableBufferPointer { out in
                for i in 0..<plane {
                    for c in 0..<channels {
                        let v = src[c * plane + i]
                        let clamped = v.isNaN ? 0 : min(max(v, 0), 1)
                        out[i * channels + c] = Sample((clamped * maxValue).rounded())
                    }
                }
            }
        }
        return samples
    }
}
