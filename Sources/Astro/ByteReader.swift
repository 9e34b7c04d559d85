import Foundation

/// Reads a file a block at a time and hands out its bytes one by one, so a reader of any length of file holds one
/// block (64 KiB) in memory. Bytes already in memory read through the same interface, so the CSV tokenizer is one.
public final class ByteReader {
    public let url: URL
    private let handle: FileHandle?
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

    /// Reads `bytes` from memory; `source` names them in errors.
    public init(bytes: [UInt8], source: String) {
        url = URL(fileURLWithPath: source)
        handle = nil
        block = bytes
        atEnd = true
        blockSize = bytes.count
    }

    deinit { try? handle?.close() }

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

    /// Passes over one CSV record without keeping it, splitting records exactly as `CSVTokenizer` does (quoted
    /// fields may hold commas, doubled quotes and line breaks). Returns nil at the end of the file, else whether
    /// the record is blank (one field of spaces and tabs, which is not a row) and how many lines it took.
    public func skipCSVRecord() throws -> (blank: Bool, lines: Int)? {
        guard try peek() != nil else { return nil }
        var inQuotes = false, pendingQuote = false, fieldAllSpaces = true, allWhitespace = true, sawComma = false
        var lines = 0, openedOnLine = 0
        var ended = false, endedOnCR = false
        while !ended {
            if position == block.count {
                try refill()
                if block.isEmpty {
                    if inQuotes && !pendingQuote {
                        throw CatalogError(file: url.path, message: "a quoted field is never closed (the record starting \(openedOnLine) lines before the end)")
                    }
                    return (!sawComma && allWhitespace, lines + 1)
                }
            }
            block.withUnsafeBufferPointer { buffer in
                var i = position
                while i < buffer.count {
                    let b = buffer[i]
                    i += 1
                    if pendingQuote {
                        pendingQuote = false
                        if b == 0x22 { fieldAllSpaces = false; allWhitespace = false; continue }  // "" inside quotes
                        inQuotes = false
                    }
                    if inQuotes {
                        if b == 0x22 { pendingQuote = true; continue }
                        if b == 0x0A { lines += 1 }
                        if b != 0x20 { fieldAllSpaces = false }
                        if b != 0x20 && b != 0x09 { allWhitespace = false }
                    } else if b == 0x22 && fieldAllSpaces {
                        inQuotes = true
                        openedOnLine = lines
                    } else if b == 0x2C {
                        sawComma = true
                        fieldAllSpaces = true
                    } else if b == 0x0A || b == 0x0D {
                        ended = true
                        endedOnCR = b == 0x0D
                        break
                    } else {
                        if b != 0x20 { fieldAllSpaces = false }
                        if b != 0x20 && b != 0x09 { allWhitespace = false }
                    }
                }
                position = i
            }
        }
        if endedOnCR, try peek() == 0x0A { position += 1 }
        return (!sawComma && allWhitespace, lines + 1)
    }

    /// Passes over one line without keeping it. Returns nil at the end of the file, else the line's first byte
    /// that is not a space, tab or CR (nil for a blank line).
    public func skipLine() throws -> UInt8?? {
        guard try peek() != nil else { return nil }
        var first: UInt8?
        var ended = false
        while !ended {
            if position == block.count {
                try refill()
                if block.isEmpty { break }
            }
            block.withUnsafeBufferPointer { buffer in
                var i = position
                while i < buffer.count {
                    let b = buffer[i]
                    i += 1
                    if b == 0x0A { ended = true; break }
                    if first == nil && b != 0x20 && b != 0x09 && b != 0x0D { first = b }
                }
                position = i
            }
        }
        return .some(first)
    }

    private func refill() throws {
        guard !atEnd, let handle else {
            block = []
            position = 0
            return
        }
        let data: Data?
        do { data = try handle.read(upToCount: blockSize) } catch {
            throw CatalogError(file: url.path, message: "cannot read the file: \(error.localizedDescription)")
        }
        block = data.map { Array($0) } ?? []
        position = 0
        if block.isEmpty { atEnd = true }
    }
}
