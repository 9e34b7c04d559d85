import Tensor
import SeededRandom

/// A small generated image set for training tests: class 0 is a bright filled blob, class 1 a ring, each at a random
/// place and size on a noisy background; [N, 1, size, size] images and their labels.
func twoShapes(count: Int, size: Int = 32, seed: UInt64) -> (images: Tensor, labels: [Int]) {
    var rng = SeededGenerator(seed: seed)
    var scalars = [Float](repeating: 0, count: count * size * size)
    var labels: [Int] = []
    for n in 0..<count {
        let label = n % 2
        labels.append(label)
        let cx = Float(size) * (0.3 + 0.4 * rng.nextUniform()), cy = Float(size) * (0.3 + 0.4 * rng.nextUniform())
        let radius = 4 + 4 * rng.nextUniform()
        for y in 0..<size {
            for x in 0..<size {
                let r = ((Float(x) - cx) * (Float(x) - cx) + (Float(y) - cy) * (Float(y) - cy)).squareRoot()
                let shape: Float = label == 0 ? (r <= radius ? 1 : 0) : (abs(r - radius) <= 1 ? 1 : 0)
                scalars[(n * size + y) * size + x] = shape + 0.2 * (rng.nextUniform() - 0.5)
            }
        }
    }
    return (Tensor(shape: [count, 1, size, size], scalars: scalars), labels)
}

/// Images `range` of a batch [N, ...].
func slice(_ t: Tensor, _ range: Range<Int>) -> Tensor {
    let size = t.count / t.shape[0]
    return Tensor(shape: [range.count] + t.shape.dropFirst(), scalars: Array(t.scalars[(range.lowerBound * size)..<(range.upperBound * size)]))
}
