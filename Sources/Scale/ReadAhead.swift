import Dispatch
import Imaging

/// One batch of cutouts being decoded on the read-ahead queue while the caller runs the network on the one before:
/// decoding and inference overlap, and at most two batches of images are held at once.
final class ReadAhead: @unchecked Sendable {
    /// One serial queue for the process: its work runs on Dispatch's pooled threads, not a new thread per flush
    /// (each new thread took a malloc arena of its own and raised resident memory flush after flush).
    private static let queue = DispatchQueue(label: "perseus.read-ahead")
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<[Image], any Error>?

    init(_ load: @escaping @Sendable () throws -> [Image]) {
        Self.queue.async {
            self.result = Result { try load() }
            self.done.signal()
        }
    }

    /// The batch, once decoded (or the error that stopped it).
    func images() throws -> [Image] {
        done.wait()
        return try result!.get()
    }
}
