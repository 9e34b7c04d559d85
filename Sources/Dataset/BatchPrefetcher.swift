import Foundation
import Imaging
import Tensor
import SeededRandom

/// A batch ready for the network: images [N, C, H, W], their labels, and which items they are.
public struct Batch: Sendable {
    public var images: Tensor
    public var labels: [Int]
    /// Positions in the item list the prefetcher was given.
    public var items: [Int]
}

public struct BatchError: Error, CustomStringConvertible, Sendable {
    public var item: Int
    public var message: String
    public var description: String { "item \(item): \(message)" }
}

/// Loads batches on a background thread while the caller trains on the previous ones, so data never starves
/// training, and holds at most `prefetch` ready batches, so memory stays bounded however large the dataset.
///
/// One prefetcher is one pass (epoch) over the items. The order is a seeded permutation (or the given order), fixed
/// before the thread starts, so it does not depend on timing. Images come from `load` (decode, augment, anything),
/// so any image source works; all images of a batch must have the same size.
public final class BatchPrefetcher: Sendable {
    public let order: [Int]
    public let batchSize: Int
    /// Shared with the producer thread, which holds only this (not the prefetcher), so dropping the prefetcher
    /// cancels the thread.
    private let queue: ReadyQueue

    /// - Parameters:
    ///   - labels: one label per item.
    ///   - seed: shuffle with this seed (nil: items in order). Use a different seed per epoch.
    ///   - prefetch: the most ready batches held at once.
    ///   - dropLast: leave out a last, smaller batch.
    ///   - load: the image of item `i`; called on the background thread, in order.
    public init(labels: [Int], batchSize: Int, seed: UInt64?, prefetch: Int = 2, dropLast: Bool = false,
                load: @escaping @Sendable (Int) throws -> Image) {
        precondition(batchSize > 0 && prefetch > 0, "BatchPrefetcher: batch size and prefetch must be positive")
        var order = Array(labels.indices)
        if let seed {
            var rng = SeededGenerator(seed: seed)
            seededShuffle(&order, &rng)
        }
        self.order = order
        self.batchSize = batchSize
        var chunks = stride(from: 0, to: order.count, by: batchSize).map {
            Array(order[$0..<min($0 + batchSize, order.count)])
        }
        if dropLast, let last = chunks.last, last.count < batchSize { chunks.removeLast() }
        let queue = ReadyQueue(capacity: prefetch)
        self.queue = queue
        let batches = chunks
        let thread = Thread { queue.produce(batches, labels: labels, load: load) }
        thread.name = "perseus.batch-prefetch"
        thread.start()
    }

    deinit { queue.cancel() }

    /// The next batch, waiting for it if it is not ready; nil after the last. Throws a loading error, naming the item.
    public func next() throws -> Batch? { try queue.next() }

    /// The number of batches loaded and waiting (at most `prefetch`).
    public var readyCount: Int { queue.readyCount }

    /// Stops the background thread after the batch it is loading.
    public func cancel() { queue.cancel() }
}

/// The bounded queue of ready batches between the producer thread and the consumer, guarded by one condition.
private final class ReadyQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var ready: [Result<Batch, BatchError>] = []
    private var finished = false
    private var cancelled = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func produce(_ chunks: [[Int]], labels: [Int], load: @Sendable (Int) throws -> Image) {
        for chunk in chunks {
            let result: Result<Batch, BatchError>
            do {
                var images: [Image] = []
                images.reserveCapacity(chunk.count)
                for item in chunk {
                    do { images.append(try load(item)) } catch {
                        throw BatchError(item: item, message: "\(error)")
                    }
                }
                let tensor: Tensor
                do { tensor = try Tensor(batch: images) } catch {
                    throw BatchError(item: chunk[0], message: "batch of items \(chunk): \(error)")
                }
                result = .success(Batch(images: tensor, labels: chunk.map { labels[$0] }, items: chunk))
            } catch let error as BatchError {
                result = .failure(error)
            } catch {
                result = .failure(BatchError(item: chunk[0], message: "\(error)"))
            }
            condition.lock()
            while ready.count >= capacity && !cancelled { condition.wait() }
            if cancelled { condition.unlock(); return }
            ready.append(result)
            condition.broadcast()
            condition.unlock()
            if case .failure = result { break }
        }
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    func next() throws -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && !finished && !cancelled { condition.wait() }
        guard !ready.isEmpty else { return nil }
        let result = ready.removeFirst()
        condition.broadcast()
        return try result.get()
    }

    var readyCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return ready.count
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
