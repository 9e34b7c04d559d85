// Saliency maps drawn over their cutout: the map through a sequential colour map, blended with an opacity that
// grows with the saliency, so the unimportant background shows the cutout untouched.
import Imaging

/// The cutout (1 or 3 channels, values 0...1) with `map` (row-major, `mapWidth` x `mapHeight`, any non-negative
/// scale) resized to the cutout and laid over it: each pixel's colour is `Palette.sequential(s)` at opacity
/// `alpha * s`, with s the map scaled to a maximum of 1. Returns an RGB image of the cutout's size.
public func saliencyOverlay(cutout: Image, map: [Float], mapWidth: Int, mapHeight: Int, alpha: Double = 0.6) throws -> Image {
    guard map.count == mapWidth * mapHeight, mapWidth > 0, mapHeight > 0 else {
        throw ImageError(.badArgument, "saliency overlay", "\(map.count) values for a \(mapWidth)x\(mapHeight) map")
    }
    guard (0...1).contains(alpha) else {
        throw ImageError(.badArgument, "saliency overlay", "alpha must be in 0...1, got \(alpha)")
    }
    let rgb: Image
    switch cutout.channels {
    case 3: rgb = cutout
    case 1: rgb = try cutout.selectingChannels([0, 0, 0])
    default: rgb = try cutout.selectingChannels([0, min(1, cutout.channels - 1), min(2, cutout.channels - 1)])
    }
    let top = map.max() ?? 0
    let scaled = Image(width: mapWidth, height: mapHeight, channels: 1, pixels: map.map { top > 0 ? max(0, $0) / top : 0 })
    let s = try scaled.resized(width: rgb.width, height: rgb.height)
    var out = rgb
    let plane = rgb.width * rgb.height
    for p in 0..<plane {
        let t = Double(min(1, max(0, s.pixels[p])))
        let colour = Palette.sequential(t), a = Float(alpha * t)
        let c = [colour.red, colour.green, colour.blue]
        for k in 0..<3 {
            let v = min(1, max(0, rgb.pixels[k * plane + p]))
            out.pixels[k * plane + p] = v * (1 - a) + Float(c[k]) * a
        }
    }
    return out
}
