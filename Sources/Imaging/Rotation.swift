import Foundation
import Tensor

/// Rotation by any angle with bilinear interpolation, about the image centre.
extension Image {
    /// The image rotated counter-clockwise (as displayed, row 0 at the top) by `degrees`, sampled into an output of
    /// `width` x `height` (default: the image's own size) centred on the same point. Output pixels whose source
    /// falls outside the image get `fill`.
    ///
    /// Each output pixel (x, y) takes the bilinear sample of the input at the point that rotates onto it; centres
    /// are ((w-1)/2, (h-1)/2) of each image, so a 200x200 output from a 400x400 input is the central 200x200 of the
    /// rotated field.
    public func rotated(byDegrees degrees: Double, width outWidth: Int? = nil, height outHeight: Int? = nil,
                        fill: Float = 0) -> Image {
        let ow = outWidth ?? width, oh = outHeight ?? height
        let radians = degrees * .pi / 180
        let (c, s) = (Float(cos(radians)), Float(sin(radians)))
        let (icx, icy) = (Float(width - 1) / 2, Float(height - 1) / 2)
        let (ocx, ocy) = (Float(ow - 1) / 2, Float(oh - 1) / 2)
        let (w, h, channels) = (width, height, self.channels)
        var out = Image(width: ow, height: oh, channels: channels, repeating: fill)
        pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                let src = src.baseAddress!, dst = dst.baseAddress!
                Parallel.forEach(oh, grain: 16) { rows in
                    for y in rows {
                        let dy = Float(y) - ocy
                        for x in 0..<ow {
                            let dx = Float(x) - ocx
                            let sx = icx + dx * c - dy * s, sy = icy + dx * s + dy * c
                            guard let sample = BilinearSample(x: sx, y: sy, width: w, height: h) else { continue }
                            for ch in 0..<channels {
                                dst[(ch * oh + y) * ow + x] = sample.value(in: src + ch * w * h)
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// The central `width` x `height` of the image rotated by `degrees`, taken from this wider image so that no
    /// output pixel samples outside it (no empty corners). Throws when the image is too small for that: a
    /// `width` x `height` crop at any angle needs a source at least its diagonal plus one pixel across.
    public func rotatedCrop(byDegrees degrees: Double, width outWidth: Int, height outHeight: Int) throws -> Image {
        let radians = degrees * .pi / 180
        let (c, s) = (abs(cos(radians)), abs(sin(radians)))
        let (hw, hh) = (Double(outWidth - 1) / 2, Double(outHeight - 1) / 2)
        // Half-extent of the rotated output rectangle in source coordinates; bilinear needs it within (n-1)/2.
        let needX = hw * c + hh * s, needY = hw * s + hh * c
        guard needX <= Double(width - 1) / 2 + 1e-6, needY <= Double(height - 1) / 2 + 1e-6 else {
            throw ImageError(.badArgument, "rotated crop",
                             "a \(outWidth)x\(outHeight) crop rotated by \(degrees) degrees needs a source of at least "
                             + "\(Int((2 * needX + 1).rounded(.up)))x\(Int((2 * needY + 1).rounded(.up))), not \(width)x\(height)")
        }
        return rotated(byDegrees: degrees, width: outWidth, height: outHeight)
    }
}

/// The four neighbours and weights of a bilinear sample at (x, y); nil outside [0, w-1] x [0, h-1].
struct BilinearSample {
    let offset00: Int, offset01: Int, offset10: Int, offset11: Int
    let fx: Float, fy: Float

    /// Points within `edgeTolerance` of the edge count as inside (rounding in cos/sin must not empty an edge row
    /// of a right-angle rotation).
    static let edgeTolerance: Float = 1e-3

    init?(x rawX: Float, y rawY: Float, width: Int, height: Int) {
        let t = BilinearSample.edgeTolerance
        guard rawX >= -t, rawY >= -t, rawX <= Float(width - 1) + t, rawY <= Float(height - 1) + t else { return nil }
        let x = min(max(rawX, 0), Float(width - 1)), y = min(max(rawY, 0), Float(height - 1))
        let x0 = min(Int(x), width - 1), y0 = min(Int(y), height - 1)
        let x1 = min(x0 + 1, width - 1), y1 = min(y0 + 1, height - 1)
        fx = x - Float(x0)
        fy = y - Float(y0)
        offset00 = y0 * width + x0
        offset01 = y0 * width + x1
        offset10 = y1 * width + x0
        offset11 = y1 * width + x1
    }

    func value(in plane: UnsafePointer<Float>) -> Float {
        let top = plane[offset00] + (plane[offset01] - plane[offset00]) * fx
        let bottom = plane[offset10] + (plane[offset11] - plane[offset10]) * fx
        return top + (bottom - top) * fy
    }
}
