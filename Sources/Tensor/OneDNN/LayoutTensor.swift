import CDNNL
import Foundation

/// Values in the memory layout a oneDNN primitive chose (for activations usually `nChw16c`: channels in blocks of
/// 16, innermost), with their logical shape ([N, C, H, W] or any rank). Networks keep activations in this form from
/// layer to layer, so a convolution's output feeds the next batch norm, ReLU, addition or pooling without being
/// reordered; `plain()` gives the row-major values at the network's edge.
///
/// The buffer comes from and returns to `BufferPool`, so a training loop reuses the same buffers every step. A
/// layout tensor is immutable once made (operations write fresh ones), so one can be shared between graph nodes.
public final class LayoutTensor: @unchecked Sendable {
    public let shape: [Int]
    /// oneDNN's description of the layout.
    let descriptor: dnnl_memory_desc_t
    let data: UnsafeMutableRawPointer
    let byteCount: Int

    /// Uninitialised storage for `descriptor` (operations fill it).
    init(shape: [Int], descriptor: dnnl_memory_desc_t) {
        var d = descriptor
        self.shape = shape
        self.descriptor = descriptor
        byteCount = max(dnnl_memory_desc_get_size(&d), 4)
        data = BufferPool.shared.take(byteCount)
    }

    deinit { BufferPool.shared.give(data, byteCount) }

    /// A plain (row-major) copy of `tensor`.
    public convenience init(_ tensor: Tensor) {
        self.init(shape: tensor.shape, descriptor: plainDescriptor(tensor.shape))
        tensor.withUnsafeBufferPointer { x in
            if let base = x.baseAddress { data.copyMemory(from: base, byteCount: x.count * 4) }
        }
    }

    public var count: Int { shape.reduce(1, *) }

    /// Whether the values are row-major (what `Tensor` holds).
    public var isPlain: Bool {
        var a = descriptor, b = plainDescriptor(shape)
        return dnnl_memory_desc_equal(&a, &b) != 0
    }

    /// The largest magnitude among the values, and whether none is negative: what int8 calibration records of a
    /// convolution's input.
    public var int8Range: Int8Range {
        precondition(descriptor.data_type == dnnl_f32, "int8Range: fp32 values only")
        // Blocked layouts pad channels with zeros, which change neither.
        let values = UnsafeBufferPointer(start: data.assumingMemoryBound(to: Float.self), count: byteCount / 4)
        var low: Float = 0, high: Float = 0
        for v in values {
            low = min(low, v)
            high = max(high, v)
        }
        return Int8Range(maximum: max(high, -low), nonNegative: low >= 0)
    }

    /// The values in row-major order.
    public func plain() throws -> Tensor {
        let target = plainDescriptor(shape)
        // Written straight into the tensor's storage: no zero-filled tensor, no intermediate buffer.
        return try Tensor(shape: shape) { out in
            if same(descriptor, target) {
                out.copyMemory(from: data, byteCount: count * 4)
            } else {
                try withExtendedLifetime(self) { try LayoutEngine.shared().reorder(from: descriptor, data, to: target, out) }
            }
        }
    }

    /// A short name of the layout (`nchw`, `blocked`), for messages.
    public var layoutName: String { isPlain ? "plain" : "blocked" }
}

/// Row-major descriptor for `shape` (`a`, `ab`, `abc`, `abcd`, `abcde`).
func plainDescriptor(_ shape: [Int]) -> dnnl_memory_desc_t {
    let tags: [dnnl_format_tag_t] = [dnnl_a, dnnl_a, dnnl_ab, dnnl_abc, dnnl_abcd, dnnl_abcde]
    precondition(shape.count <= 5, "LayoutTensor: rank \(shape.count) is not supported")
    var md = dnnl_memory_desc_t()
    let dims = shape.isEmpty ? [Int64(1)] : shape.map(Int64.init)
    let status = dnnl_memory_desc_init_by_tag(&md, Int32(dims.count), dims, dnnl_f32, tags[max(shape.count, 1)])
    precondition(status == dnnl_success, "LayoutTensor: no plain descriptor for \(shape)")
    return md
}

extension BufferPool {
    /// Gradients and other plain tensors are Swift arrays, allocated and freed afresh every training step. Above
    /// glibc's mmap threshold each such allocation is a fresh mapping (and freed heap tops are trimmed), so every
    /// step faulted the pages in again: ~11k page faults per ResNet-18 step, ~10% of its CPU time on 1 thread
    /// (measured with GLIBC_TUNABLES). Raising both thresholds keeps the memory in the heap, where the next step's
    /// allocations of the same sizes find it, as this pool does for layout tensors. Called once, by the engine.
    static func keepLargeAllocationsInTheHeap() {
        _ = mallopt(M_MMAP_THRESHOLD, 32 << 20)  // glibc's maximum on 64-bit
        _ = mallopt(M_TRIM_THRESHOLD, 1 << 30)
    }
}
