import Foundation
import Imaging
import Tensor
import SeededRandom

/// A batch ready for the network: images [N, C, H, W], their labels, and which items they are.
public struct Batch: Sendable {
    public var images: Tensor
    public var labels: [Int]
    /// Positions in the item list the loader was given.
    public var items: [Int]
}

public struct BatchError: Error, CustomStringConvertible, Sendable {
    public var item: Int
    public var message: String
    public var description: String { "item \(item): \(message)" }
}

/// One pass (epoch) over the items in batches. Each batch is loaded when asked for, on the engine's own threads
/// (`loadImages`), between the network's steps, so memory holds one batch however large the dataset.
///
/// The order is a seeded permutation (or the given order), fixed at creation. Images come from `load` (decode,
/// augment, anything), so any image source works; all images of a batch must have the same size.
public final class BatchLoader {
    public let order: [Int]
    public let batchSize: Int
    private let labels: [Int]
    private let load: @Sendable (Int) throws -> Image
    private var batches: IndexingIterator<[[Int]]>
    private var failed = false

    /// - Parameters:
    ///   - labels: one label per item.
    ///   - seed: shuffle with this seed (nil: items in order). Use a different seed per epoch.
    ///   - dropLast: leave out a last, smaller batch.
    ///   - load: the image of item `i`; called on the engine's threads, several items at once.
    public init(labels: [Int], batchSize: Int, seed: UInt64?, dropLast: Bool = false,
                load: @escaping @Sendable (Int) throws -> Image) {
        precondition(batchSize > 0, "BatchLoader: batch size must be positive")
        var order = Array(labels.indices)
        if let seed {
            var rng = SeededGenerator(seed: seed)
            seededShuffle(&order, &rng)
        }
        self.order = order
        self.batchSize = batchSize
        self.labels = labels
        self.load = load
        var chunks = stride(from: 0, to: order.count, by: batchSize).map {
            Array(order[$0..<min($0 + batchSize, order.count)])
        }
        if dropLast, let last = chunks.last, last.count < batchSize { chunks.removeLast() }
        batches = chunks.makeIterator()
    }

    /// The next batch; nil after the last, or after a loading error, which is thrown once, naming the item.
    public func next() throws -> Batch? {
        guard !failed, let chunk = batches.next() else { return nil }
        let load = self.load
        do {
            let images = try zip(chunk, loadImages(chunk.count) { try load(chunk[$0]) }).map { item, image in
                do { return try image.get() } catch { throw BatchError(item: item, message: "\(error)") }
            }
            let tensor: Tensor
            do { tensor = try Tensor(batch: images) } catch {
                throw BatchError(item: chunk[0], message: "batch of items \(chunk): \(error)")
            }
            return Batch(images: tensor, labels: chunk.map { labels[$0] }, items: chunk)
        } catch {
            failed = true
            throw error
        }
    }
}

/// Images 0..<count from `load`, in order, loaded on the engine's threads (`Parallel`: the cores the network then
/// uses, between its steps). A loading thread beside the network's made both slower on 2 cores: its third busy
/// thread stalls the network's parallel regions. Each image's failure is kept against it.
public func loadImages(_ count: Int, _ load: @Sendable (Int) throws -> Image) -> [Result<Image, any Error>] {
    var loaded = [Result<Image, any Error>?](repeating: nil, count: count)
    loaded.withUnsafeMutableBufferPointer { slots in
        Parallel.forEach(count) { chunk in
            for j in chunk { slots[j] = Result { try load(j) } }
        }
    }
    return loaded.map { $0! }
}
