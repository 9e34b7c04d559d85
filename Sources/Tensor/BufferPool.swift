import Foundation

/// Buffers by size, kept after use and handed out again: a training step allocates the same sizes every time, and
/// taking a kept buffer avoids the allocator's page faults and zeroing of fresh large allocations. (The engine also
/// keeps glibc's large allocations in the heap: `keepLargeAllocationsInTheHeap`, in OneDNN/LayoutTensor.swift.)
final class BufferPool: @unchecked Sendable {
    static let shared = BufferPool()
    private let lock = NSLock()
    private var free: [Int: [UnsafeMutableRawPointer]] = [:]
    private var freeBytes = 0
    /// Beyond this many idle bytes, returned buffers go back to the system.
    private let limit = 1 << 30

    func take(_ bytes: Int) -> UnsafeMutableRawPointer {
        let kept: UnsafeMutableRawPointer? = lock.withLock {
            guard let p = free[bytes]?.popLast() else { return nil }
            freeBytes -= bytes
            return p
        }
        if let kept { return kept }
        return UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
    }

    func give(_ p: UnsafeMutableRawPointer, _ bytes: Int) {
        let keep = lock.withLock {
            guard freeBytes + bytes <= limit else { return false }
            free[bytes, default: []].append(p)
            freeBytes += bytes
            return true
        }
        if !keep { p.deallocate() }
    }

    /// Returns every idle buffer to the system.
    func drain() {
        let all = lock.withLock { () -> [UnsafeMutableRawPointer] in
            defer { free = [:]; freeBytes = 0 }
            return free.values.flatMap { $0 }
        }
        for p in all { p.deallocate() }
    }
}
