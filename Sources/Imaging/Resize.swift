/// Resampling to a new size, each axis on its own: area-averaging along an axis that shrinks (every output pixel
/// is the mean of the input area it covers, so the image mean is kept exactly and no aliasing is introduced;
/// OpenCV's `INTER_AREA`), bilinear along an axis that grows (pixel centres aligned, edges clamped).
extension Image {
    public func resized(width outWidth: Int, height outHeight: Int) throws -> Image {
        guard outWidth > 0, outHeight > 0, width > 0, height > 0 else {
            throw ImageError(.badArgument, "resize", "cannot resize \(width)x\(height) to \(outWidth)x\(outHeight)")
        }
        let columns = ResamplingWeights(from: width, to: outWidth)
        let rows = ResamplingWeights(from: height, to: outHeight)
        var out = Image(width: outWidth, height: outHeight, channels: channels)
        var across = [Float](repeating: 0, count: height * outWidth)  // one channel resampled along x
        pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                across.withUnsafeMutableBufferPointer { tmp in
                    for c in 0..<channels {
                        let plane = src.baseAddress! + c * width * height
                        for y in 0..<height {
                            for x in 0..<outWidth { tmp[y * outWidth + x] = columns.apply(x, plane + y * width, stride: 1) }
                        }
                        let outPlane = dst.baseAddress! + c * outWidth * outHeight
                        for y in 0..<outHeight {
                            for x in 0..<outWidth { outPlane[y * outWidth + x] = rows.apply(y, tmp.baseAddress! + x, stride: outWidth) }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Resampled from `fromScale` to `toScale` (arcsec per pixel), keeping the field of view: e.g. a 200x200
    /// cutout at 0.1 arcsec/px to SDSS's native 0.396 arcsec/px gives 51x51.
    public func resampled(fromScale: Double, toScale: Double) throws -> Image {
        guard fromScale > 0, toScale > 0 else {
            throw ImageError(.badArgument, "resample", "pixel scales must be positive (\(fromScale) -> \(toScale))")
        }
        let factor = fromScale / toScale
        return try resized(width: max(1, Int((Double(width) * factor).rounded())),
                           height: max(1, Int((Double(height) * factor).rounded())))
    }
}

/// For each output index along one axis, the input indices and weights it averages.
struct ResamplingWeights {
    private var start: [Int] = []     // first input index of each output
    private var weights: [[Float]] = []

    init(from input: Int, to output: Int) {
        let scale = Double(input) / Double(output)
        for i in 0..<output {
            if output < input {
                // Area: input pixel j covers [j, j+1); output i covers [i*scale, (i+1)*scale).
                let lo = Double(i) * scale, hi = Double(i + 1) * scale
                let first = Int(lo), last = min(input - 1, Int((hi - 1e-9).rounded(.down)))
                start.append(first)
                weights.append((first...last).map { j in
                    Float((min(hi, Double(j + 1)) - max(lo, Double(j))) / scale)
                })
            } else {
                let position = min(max((Double(i) + 0.5) * scale - 0.5, 0), Double(input - 1))
                let j = min(Int(position), input - 1), f = Float(position - Double(j))
                start.append(j)
                weights.append(j + 1 < input ? [1 - f, f] : [1])
            }
        }
    }

    func apply(_ index: Int, _ line: UnsafePointer<Float>, stride: Int) -> Float {
        var sum: Float = 0
        let first = start[index]
        for (k, w) in weights[index].enumerated() { sum += w * line[(first + k) * stride] }
        return sum
    }
}
