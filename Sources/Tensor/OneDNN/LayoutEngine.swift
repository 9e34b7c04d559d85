import CDNNL
import Foundation

// The oneDNN primitives that work on `LayoutTensor`s: convolution (forward with post-ops, backward data and
// weights; LayoutConvolution.swift), batch normalisation, ReLU, addition and max pooling (LayoutLayers.swift), and
// the reorders between layouts (here). Each primitive is created once per shape, input layout, setting and thread
// count, and cached.

/// The blocked-layout primitives created so far, on the process's one engine (`OneDNNEngine`).
final class LayoutEngine: @unchecked Sendable {
    private let oneDNN: OneDNNEngine
    var engine: dnnl_engine_t { oneDNN.engine }
    /// Guards the cache.
    private let cacheLock = NSLock()
    private var cache: [Key: Entry] = [:]

    struct Key: Hashable {
        let op: String
        let ints: [Int]
        let layouts: [[UInt8]]
        /// Primitives run on the thread that created them (`CreatingThread`).
        var thread = CreatingThread.token
    }

    final class Entry {
        let pd: dnnl_primitive_desc_t?
        let primitive: dnnl_primitive_t?
        init(pd: dnnl_primitive_desc_t?, primitive: dnnl_primitive_t?) { (self.pd, self.primitive) = (pd, primitive) }
    }

    private static let result: Result<LayoutEngine, EngineError> = Result { try LayoutEngine() }.mapError {
        $0 as? EngineError ?? .dnnl(op: "engine", status: -1)
    }

    static func shared() throws -> LayoutEngine { try result.get() }

    private init() throws {
        BufferPool.keepLargeAllocationsInTheHeap()
        oneDNN = try OneDNNEngine.shared()
    }

    /// Number of cached primitives (tests: repeated steps must not add more).
    var cachedCount: Int { cacheLock.withLock { cache.count } }

    /// The cached primitive for `key`, made by `make` (a primitive descriptor; nil when unsupported) on first use,
    /// on this thread (`Key.thread`; a program that runs its network on one thread creates each primitive once).
    func entry(_ key: Key, _ make: () throws -> dnnl_primitive_desc_t?) throws -> Entry {
        if let e = cacheLock.withLock({ cache[key] }) { return e }
        let pd = try make()
        var primitive: dnnl_primitive_t?
        if let pd { try check(dnnl_primitive_create(&primitive, pd), "\(key.op): create primitive") }
        let e = Entry(pd: pd, primitive: primitive)
        cacheLock.withLock { cache[key] = e }
        return e
    }

    /// Executes `primitive` on raw buffers. `keep` holds the layout tensors that own them: Swift may release an object
    /// after its last use, which for a temporary (a reordered input) would be before the primitive reads it, and its
    /// buffer would go back to the pool while in use.
    func run(_ primitive: dnnl_primitive_t, _ op: String,
             _ args: [(Int32, dnnl_memory_desc_t, UnsafeMutableRawPointer)], keep: [AnyObject] = []) throws {
        try withExtendedLifetime(keep) { try runNow(primitive, op, args) }
    }

    private func runNow(_ primitive: dnnl_primitive_t, _ op: String,
                        _ args: [(Int32, dnnl_memory_desc_t, UnsafeMutableRawPointer)]) throws {
        var memories: [dnnl_memory_t] = []
        defer { for m in memories { dnnl_memory_destroy(m) } }
        var execArgs: [dnnl_exec_arg_t] = []
        for (arg, desc, pointer) in args {
            var d = desc
            var m: dnnl_memory_t?
            try check(dnnl_memory_create(&m, &d, engine, pointer), "\(op): memory")
            memories.append(m!)
            execArgs.append(dnnl_exec_arg_t(arg: arg, memory: m))
        }
        try oneDNN.serially { stream in
            try check(dnnl_primitive_execute(primitive, stream, Int32(execArgs.count), &execArgs), "\(op): execute")
            try check(dnnl_stream_wait(stream), "\(op): wait")
        }
    }

    // MARK: Reorders

    /// `x` in layout `target` (`x` itself when it already is).
    func reorder(_ x: LayoutTensor, to target: dnnl_memory_desc_t) throws -> LayoutTensor {
        if same(x.descriptor, target) { return x }
        let out = LayoutTensor(shape: x.shape, descriptor: target)
        try reorder(from: x.descriptor, x.data, to: target, out.data)
        return out
    }

    /// `scales` multiply the values on the way (one for all, or one per index of the first axis): quantisation.
    func reorder(from source: dnnl_memory_desc_t, _ src: UnsafeMutableRawPointer, to target: dnnl_memory_desc_t,
                 _ dst: UnsafeMutableRawPointer, scales: [Float] = []) throws {
        let e = try entry(Key(op: "reorder", ints: scales.map { Int($0.bitPattern) },
                              layouts: [bytes(source), bytes(target)])) {
            var s = source, t = target
            let attr = try attributes(outputScales: scales)
            defer { dnnl_primitive_attr_destroy(attr) }
            var pd: dnnl_primitive_desc_t?
            try check(dnnl_reorder_primitive_desc_create(&pd, &s, engine, &t, engine, attr), "reorder")
            return pd
        }
        try run(e.primitive!, "reorder", [(DNNL_ARG_FROM, source, src), (DNNL_ARG_TO, target, dst)])  // callers own both
    }

    /// `x` in the layout (and data type) `target`, its values multiplied by `scale`.
    func reorder(_ x: LayoutTensor, to target: dnnl_memory_desc_t, scale: Float) throws -> LayoutTensor {
        let out = LayoutTensor(shape: x.shape, descriptor: target)
        try reorder(from: x.descriptor, x.data, to: target, out.data, scales: [scale])
        return out
    }

    /// A plain tensor (weights) in the layout `target`, in a fresh buffer, multiplied by `scales` (see above).
    func reorder(_ t: Tensor, to target: dnnl_memory_desc_t, scales: [Float] = []) throws -> LayoutTensor {
        let out = LayoutTensor(shape: t.shape, descriptor: target)
        try t.withUnsafeBufferPointer { x in
            try reorder(from: plainDescriptor(t.shape), UnsafeMutableRawPointer(mutating: x.baseAddress!),
                        to: target, out.data, scales: scales)
        }
        return out
    }

    /// Primitive attributes with output scales: none, or one for every value, or one per index along the axes
    /// `mask` sets (default: the first axis, a weight's output channels).
    func attributes(outputScales scales: [Float], mask: Int32? = nil) throws -> dnnl_primitive_attr_t? {
        var attr: dnnl_primitive_attr_t?
        try check(dnnl_primitive_attr_create(&attr), "attributes")
        if !scales.isEmpty {
            try check(dnnl_primitive_attr_set_output_scales(attr, Int64(scales.count),
                                                            mask ?? (scales.count == 1 ? 0 : 1), scales),
                      "output scales")
        }
        return attr
    }

    /// A copy of `x` (the buffer an accumulating convolution writes into).
    func copy(_ x: LayoutTensor) -> LayoutTensor {
        let out = LayoutTensor(shape: x.shape, descriptor: x.descriptor)
        out.data.copyMemory(from: x.data, byteCount: x.byteCount)
        return out
    }
}
