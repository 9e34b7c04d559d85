import Dataset
import Imaging

/// The objects a run trains on or is judged on: one entry per object, whose image is produced on demand under an
/// augmentation, already at the network's input size and channel count.
public struct SampleSet: Sendable {
    public var ids: [String]
    public var labels: [Int]
    public var load: @Sendable (_ index: Int, _ augmentation: Augmentation) throws -> Image

    public init(ids: [String], labels: [Int],
                load: @escaping @Sendable (_ index: Int, _ augmentation: Augmentation) throws -> Image) {
        precondition(ids.count == labels.count, "SampleSet: \(ids.count) ids for \(labels.count) labels")
        self.ids = ids
        self.labels = labels
        self.load = load
    }

    public var count: Int { ids.count }

    /// The subset at `indices`, in that order.
    public func subset(_ indices: [Int]) -> SampleSet {
        let load = self.load
        return SampleSet(ids: indices.map { ids[$0] }, labels: indices.map { labels[$0] }) { i, a in
            try load(indices[i], a)
        }
    }
}
