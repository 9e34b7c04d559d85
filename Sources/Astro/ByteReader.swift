import Foundation

/// Reads a file a block at a time and hands out its bytes one by one, so a reader of any length of file holds one
/// block (64 KiB) in memory.
public final class ByteReader {
    public let url: URL
    private let handle: FileHandle
    private var block: [UInt8] = []
    private var position = 0
    private var atEnd = false
    private let blockSize: Int

    public init(url: URL, blockSize: Int = 1 << 16) throws {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw CatalogError(file: url.path, message: "cannot open the file")
        }
        self.url = url
        self.handle = handle
        self.blockSize = blockSize
    }

    deinit { try? handle.close() }

    /// The next byte without consuming it; nil at the end of the file.
    @inline(__always)
    public func peek() throws -> UInt8? {
        if position == block.count { try refill() }
        return position < block.count ? block[position] : nil
    }

    /// The next byte; nil at the end of the file.
    @inline(__always)
    public func next() throws -> UInt8? {
        if position == block.count { try refill() }
        guard position < block.count else { return nil }
        defer { position += 1 }
        return block[position]
    }

    /// The bytes up to the next `\n` (without it, and without a `\r` before it); nil at the end of the file.
    public func line() throws -> [UInt8]? {
        var out: [UInt8] = []
        var sawAny = false
        while let b = try next() {
            sawAny = true
            if b == UInt8(ascii: "\n") { break }
            out.append(b)
        }
        guard sawAny else { return nil }
        if out.last == UInt8(ascii: "\r") { out.removeLast() }
        return out
    }

    private func refill() throws {
        guard !atEnd else { return }
        let data: Data?
        do { data = try handle.read(upToCount: blockSize) } catch {
            throw CatalogError(file: url.path, message: "cannot read the file: \(error.localizedDescription)")
        }
        block = data.map { Array($0) } ?? []
        position = 0
        if block.isEmpty { atEnd = true }
    }
}
