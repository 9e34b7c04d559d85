/// Cropping and flipping: exact pixel copies, no resampling.
extension Image {
    /// The central `width` x `height` pixels. When the size difference is odd the extra pixel is left on the
    /// right/bottom (the offset rounds down).
    public func centreCropped(width outWidth: Int, height outHeight: Int) throws -> Image {
        guard outWidth > 0, outHeight > 0, outWidth <= width, outHeight <= height else {
            throw ImageError(.badArgument, "centre crop", "cannot crop \(outWidth)x\(outHeight) from a \(width)x\(height) image")
        }
        return cropped(x: (width - outWidth) / 2, y: (height - outHeight) / 2, width: outWidth, height: outHeight)
    }

    /// The `width` x `height` pixels whose top-left corner is (x, y); the rectangle must lie inside the image.
    public func cropped(x: Int, y: Int, width outWidth: Int, height outHeight: Int) -> Image {
        precondition(x >= 0 && y >= 0 && x + outWidth <= width && y + outHeight <= height,
                     "Image.cropped: \(outWidth)x\(outHeight) at (\(x), \(y)) is outside \(width)x\(height)")
        var out = Image(width: outWidth, height: outHeight, channels: channels)
        pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for c in 0..<channels {
                    for row in 0..<outHeight {
                        let from = (c * height + y + row) * width + x, to = (c * outHeight + row) * outWidth
                        for i in 0..<outWidth { dst[to + i] = src[from + i] }
                    }
                }
            }
        }
        return out
    }

    /// Mirrored left to right.
    public func flippedHorizontally() -> Image {
        var out = self
        pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for row in 0..<(channels * height) {
                    let base = row * width
                    for x in 0..<width { dst[base + x] = src[base + width - 1 - x] }
                }
            }
        }
        return out
    }

    /// Mirrored top to bottom.
    public func flippedVertically() -> Image {
        var out = self
        pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for c in 0..<channels {
                    for y in 0..<height {
                        let from = (c * height + height - 1 - y) * width, to = (c * height + y) * width
                        for x in 0..<width { dst[to + x] = src[from + x] }
                    }
                }
            }
        }
        return out
    }
}
