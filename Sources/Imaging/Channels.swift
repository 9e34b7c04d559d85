/// Choosing and mixing channels.
extension Image {
    /// The planes at `indices`, in that order (e.g. `[2, 1, 0]` turns g,r,i planes into i,r,g = SDSS's R,G,B).
    public func selectingChannels(_ indices: [Int]) throws -> Image {
        guard !indices.isEmpty, indices.allSatisfy({ (0..<channels).contains($0) }) else {
            throw ImageError(.badArgument, "select channels", "channels \(indices) do not exist in an image with \(channels)")
        }
        let plane = width * height
        var pixels: [Float] = []
        pixels.reserveCapacity(plane * indices.count)
        for c in indices { pixels.append(contentsOf: self.pixels[(c * plane)..<((c + 1) * plane)]) }
        return Image(width: width, height: height, channels: indices.count, pixels: pixels)
    }

    /// Luma weights of ITU-R BT.601 for R, G, B: what PIL's `convert("L")`, Keras's `color_mode="grayscale"` and
    /// OpenCV's `COLOR_RGB2GRAY` use, so a greyscale run sees what the study's greyscale run saw.
    public static let greyscaleWeights: [Float] = [0.299, 0.587, 0.114]

    /// Greyscale as Y = 0.299 R + 0.587 G + 0.114 B of the first three planes, repeated into `channels` planes
    /// (1, or 3 to feed a network built for colour). A 1-channel image is returned as is (repeated if asked).
    public func greyscale(channels outChannels: Int = 1) throws -> Image {
        guard outChannels >= 1 else {
            throw ImageError(.badArgument, "greyscale", "cannot make \(outChannels) channels")
        }
        guard channels == 1 || channels >= 3 else {
            throw ImageError(.badArgument, "greyscale", "needs 1 or at least 3 channels (R, G, B), not \(channels)")
        }
        let plane = width * height
        var luma = [Float](repeating: 0, count: plane)
        if channels == 1 {
            luma = Array(pixels[0..<plane])
        } else {
            let (wr, wg, wb) = (Image.greyscaleWeights[0], Image.greyscaleWeights[1], Image.greyscaleWeights[2])
            pixels.withUnsafeBufferPointer { p in
                luma.withUnsafeMutableBufferPointer { y in
                    for i in 0..<plane { y[i] = wr * p[i] + wg * p[plane + i] + wb * p[2 * plane + i] }
                }
            }
        }
        return Image(width: width, height: height, channels: outChannels,
                     pixels: Array([[Float]](repeating: luma, count: outChannels).joined()))
    }
}
