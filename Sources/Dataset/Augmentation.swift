import Imaging
import SeededRandom

/// One way of showing an object to the network: a rotation (degrees, counter-clockwise), then optional flips.
public struct Augmentation: Sendable, Hashable, CustomStringConvertible {
    public var rotationDegrees: Double
    public var flipHorizontal: Bool
    public var flipVertical: Bool

    public init(rotationDegrees: Double = 0, flipHorizontal: Bool = false, flipVertical: Bool = false) {
        self.rotationDegrees = rotationDegrees
        self.flipHorizontal = flipHorizontal
        self.flipVertical = flipVertical
    }

    public static let identity = Augmentation()

    public var description: String {
        var s = "rot\(rotationDegrees.formatted0)"
        if flipHorizontal { s += "+fliph" }
        if flipVertical { s += "+flipv" }
        return s
    }

    /// Applies it, producing `width` x `height`. From a wider cutout (the 400x400 ones) the rotation is cropped from
    /// the wider field, so there are no empty corners; from a same-sized image the corners outside it stay 0.
    public func apply(to image: Image, width: Int, height: Int) throws -> Image {
        var out: Image
        if rotationDegrees.truncatingRemainder(dividingBy: 360) == 0 {
            out = image.width == width && image.height == height ? image
                : try image.centreCropped(width: width, height: height)
        } else if let wide = try? image.rotatedCrop(byDegrees: rotationDegrees, width: width, height: height) {
            out = wide
        } else {
            out = image.rotated(byDegrees: rotationDegrees, width: width, height: height)
        }
        if flipHorizontal { out = out.flippedHorizontally() }
        if flipVertical { out = out.flippedVertically() }
        return out
    }
}

extension Double {
    fileprivate var formatted0: String { self == rounded() ? String(Int(self)) : String(self) }
}

/// Which of the study's rotation lists.
public enum StudyRotations: Sendable {
    /// The report's: 30, 45, 60, 90, 120, 135, 150, 180, 210, 225, 240, 270, 300, 315, 330.
    case report
    /// The code's: as the report but 235 where 225 is meant, and 360 (the same image as the original) added.
    case code

    public var angles: [Double] {
        switch self {
        case .report: [30, 45, 60, 90, 120, 135, 150, 180, 210, 225, 240, 270, 300, 315, 330]
        case .code: [30, 45, 60, 90, 120, 135, 150, 180, 210, 235, 240, 270, 300, 315, 330, 360]
        }
    }
}

/// A fixed list of augmentations applied to every training object (offline augmentation).
public struct AugmentationPlan: Sendable, Equatable {
    public var augmentations: [Augmentation]

    public init(_ augmentations: [Augmentation]) { self.augmentations = augmentations }

    /// Only the original image.
    public static let none = AugmentationPlan([.identity])

    /// The original plus the study's 15 rotations (16 images per object; the report counts 230 x 15 = 3450);
    /// with `flips`, each of those also flipped left-right (twice as many).
    public static func study(_ rotations: StudyRotations = .report, flips: Bool = false) -> AugmentationPlan {
        let base = [Augmentation.identity] + rotations.angles.map { Augmentation(rotationDegrees: $0) }
        guard flips else { return AugmentationPlan(base) }
        return AugmentationPlan(base + base.map { var a = $0; a.flipHorizontal = true; return a })
    }

    public var count: Int { augmentations.count }

    /// Every (object, augmentation) pair for the given objects, object-major: what a training epoch visits.
    public func expand(_ objects: [Int]) -> [(object: Int, augmentation: Augmentation)] {
        objects.flatMap { o in augmentations.map { (o, $0) } }
    }
}

/// Random online augmentation: a fresh angle, uniform in [0, 360), and coin-flip flips for every draw, from a seeded
/// generator so a run can be repeated.
public struct RandomAugmenter: Sendable {
    public var flips: Bool
    private var rng: SeededGenerator

    public init(seed: UInt64, flips: Bool = true) {
        self.flips = flips
        rng = SeededGenerator(seed: seed)
    }

    public mutating func next() -> Augmentation {
        let angle = Double(rng.next() >> 11) * 0x1p-53 * 360
        let h = flips && rng.next() & 1 == 1
        let v = flips && rng.next() & 1 == 1
        return Augmentation(rotationDegrees: angle, flipHorizontal: h, flipVertical: v)
    }
}
