import Foundation
import Imaging
import Tensor
import Testing
@testable import Dataset

@Suite struct BatchLoaderTests {
    /// Item i is a 2x3x4 image filled with i.
    static func load(_ i: Int) throws -> Image {
        Image(width: 4, height: 3, channels: 2, repeating: Float(i))
    }

    func drain(_ p: BatchLoader) throws -> [Batch] {
        var out: [Batch] = []
        while let b = try p.next() { out.append(b) }
        return out
    }

    @Test func everyItemOnceInSeededOrder() throws {
        let labels = (0..<23).map { $0 % 2 }
        let batches = try drain(BatchLoader(labels: labels, batchSize: 5, seed: 3, load: Self.load))
        #expect(batches.map(\.items.count) == [5, 5, 5, 5, 3])
        let items = batches.flatMap(\.items)
        #expect(items.sorted() == Array(0..<23))
        #expect(items != Array(0..<23))
        for b in batches {
            #expect(b.images.shape == [b.items.count, 2, 3, 4])
            #expect(b.labels == b.items.map { labels[$0] })
            for (k, item) in b.items.enumerated() { #expect(b.images.scalars[k * 24] == Float(item)) }
        }
        let again = try drain(BatchLoader(labels: labels, batchSize: 5, seed: 3, load: Self.load))
        #expect(again.flatMap(\.items) == items)
        let other = try drain(BatchLoader(labels: labels, batchSize: 5, seed: 4, load: Self.load))
        #expect(other.flatMap(\.items) != items)
        let inOrder = try drain(BatchLoader(labels: labels, batchSize: 5, seed: nil, dropLast: true, load: Self.load))
        #expect(inOrder.flatMap(\.items) == Array(0..<20))
    }

    @Test func loadsOnlyTheBatchAskedFor() throws {
        let loaded = Counter()
        let p = BatchLoader(labels: Array(repeating: 0, count: 100), batchSize: 8, seed: nil) { i in
            loaded.increment()
            return try Self.load(i)
        }
        #expect(loaded.value == 0)
        #expect(try p.next()?.items == Array(0..<8))
        #expect(try p.next()?.items == Array(8..<16))
        #expect(loaded.value == 16)
    }

    @Test func loadErrorNamesTheItem() throws {
        struct Broken: Error, CustomStringConvertible { var description: String { "truncated JPEG" } }
        let p = BatchLoader(labels: Array(repeating: 1, count: 10), batchSize: 4, seed: nil) { i in
            if i == 6 { throw Broken() }
            return try Self.load(i)
        }
        #expect(try p.next()?.items == [0, 1, 2, 3])
        let error = #expect(throws: BatchError.self) { try p.next() }
        #expect(error?.item == 6)
        #expect(error?.description == "item 6: truncated JPEG")
        #expect(try p.next() == nil)
    }

    @Test func mismatchedSizesAreAnError() throws {
        let p = BatchLoader(labels: [0, 1], batchSize: 2, seed: nil) { i in
            Image(width: 4 + i, height: 4, channels: 1, repeating: 0)
        }
        #expect(throws: BatchError.self) { try p.next() }
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
