import CDNNL
import Foundation

// Convolutions and matrix products on the caller's plain buffers (the reference path, and `Linear`'s products),
// behind the engine's own types (`Conv2DGeometry`, raw Float buffers). The blocked-layout primitives are in
// LayoutEngine.swift and its extensions; OneDNN.swift lists this folder.
//
// Layout: callers hand over plain NCHW / OIHW buffers. Each primitive is created with `format_tag_any`, so oneDNN
// picks its fast blocked layout, and the plan reorders between the caller's layout and the primitive's around
// each call (engine notes: ~2.3x faster than forcing plain NCHW into the primitive). Networks that keep blocked
// layouts between layers use `LayoutEngine` instead.

/// The plain-layout primitives created so far, cached per shape, on the process's one engine (`OneDNNEngine`).
final class DNNL: @unchecked Sendable {
    private let oneDNN: OneDNNEngine
    private var engine: dnnl_engine_t { oneDNN.engine }
    /// Guards the cache and serialises execution (a plan's internal buffers are shared between calls).
    private let lock = NSLock()
    private var plans: [PlanKey: Plan] = [:]
    private var forwardDescriptors: [PlanKey: dnnl_primitive_desc_t] = [:]

    private static let result: Result<DNNL, EngineError> = Result { try DNNL() }.mapError {
        $0 as? EngineError ?? .dnnl(op: "engine", status: -1)
    }

    /// The shared context (created on first use).
    static func shared() throws -> DNNL { try result.get() }

    private init() throws {
        oneDNN = try OneDNNEngine.shared()
    }

    enum Pass: Hashable { case forward, backwardData, backwardWeights }

    private struct PlanKey: Hashable {
        let pass: Pass
        let geometry: Conv2DGeometry
        let hasBias: Bool
        /// oneDNN's kernels choose their blocking for a thread count; a new count needs new primitives.
        let threads: Int
        /// Primitives run on the thread that created them (`CreatingThread`).
        var thread = CreatingThread.token
    }

    /// Number of cached primitives for a geometry (for tests: repeated shapes must not add more).
    func cachedPlanCount(for geometry: Conv2DGeometry) -> Int {
        lock.withLock { plans.keys.filter { $0.geometry == geometry }.count }
    }

    // MARK: Convolution

    /// dst[N, O, Ho, Wo] = conv(src[N, C, H, W], weights[O, C, kH, kW]) + bias[O].
    func convolutionForward(_ g: Conv2DGeometry, src: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                            bias: UnsafePointer<Float>?, dst: UnsafeMutablePointer<Float>) throws {
        try run(.forward, g, hasBias: bias != nil,
                [.init(src), .init(weights), bias.map { .init($0) }, .init(dst)])
    }

    /// diffSrc[N, C, H, W] from diffDst[N, O, Ho, Wo] and weights.
    func convolutionBackwardData(_ g: Conv2DGeometry, diffDst: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                                 diffSrc: UnsafeMutablePointer<Float>) throws {
        try run(.backwardData, g, hasBias: false, [.init(diffSrc), .init(weights), .init(diffDst)])
    }

    /// diffWeights[O, C, kH, kW] (and diffBias[O]) from src and diffDst.
    func convolutionBackwardWeights(_ g: Conv2DGeometry, src: UnsafePointer<Float>, diffDst: UnsafePointer<Float>,
                                    diffWeights: UnsafeMutablePointer<Float>,
                                    diffBias: UnsafeMutablePointer<Float>?) throws {
        try run(.backwardWeights, g, hasBias: diffBias != nil,
                [.init(src), .init(diffWeights), diffBias.map { .init($0) }, .init(diffDst)])
    }

    private func run(_ pass: Pass, _ g: Conv2DGeometry, hasBias: Bool, _ buffers: [Buffer?]) throws {
        let key = PlanKey(pass: pass, geometry: g, hasBias: hasBias, threads: Int(omp_get_max_threads()))
        try lock.withLock {
            let plan: Plan
            if let cached = plans[key] {
                plan = cached
            } else {
                plan = try makePlan(key)
                plans[key] = plan
            }
            try oneDNN.serially { stream in try plan.execute(buffers.compactMap { $0 }, stream: stream) }
        }
    }

    /// The forward primitive descriptor for `key`'s geometry: the primitive itself, and the hint every backward
    /// primitive of the same convolution needs.
    private func forwardDescriptor(_ key: PlanKey) throws -> dnnl_primitive_desc_t {
        let forwardKey = PlanKey(pass: .forward, geometry: key.geometry, hasBias: key.hasBias, threads: key.threads)
        if let pd = forwardDescriptors[forwardKey] { return pd }
        let g = key.geometry
        var src = try anyDesc([g.batch, g.inChannels, g.height, g.width])
        var weights = try anyDesc([g.outChannels, g.inChannels, g.kernelHeight, g.kernelWidth])
        // A zeroed descriptor means "no bias".
        var bias = key.hasBias ? try anyDesc([g.outChannels]) : dnnl_memory_desc_t()
        var dst = try anyDesc([g.batch, g.outChannels, g.outHeight, g.outWidth])
        var desc = dnnl_convolution_desc_t()
        let (strides, padL, padR) = spatial(g)
        try check(dnnl_convolution_forward_desc_init(&desc, dnnl_forward_training, dnnl_convolution_direct,
                                                     &src, &weights, &bias, &dst,
                                                     strides, padL, padR), "conv2d forward \(g)")
        var pd: dnnl_primitive_desc_t?
        try check(dnnl_primitive_desc_create(&pd, &desc, nil, engine, nil), "conv2d forward \(g)")
        forwardDescriptors[forwardKey] = pd!
        return pd!
    }

    private func makePlan(_ key: PlanKey) throws -> Plan {
        let g = key.geometry
        let srcDims = [g.batch, g.inChannels, g.height, g.width]
        let weightDims = [g.outChannels, g.inChannels, g.kernelHeight, g.kernelWidth]
        let dstDims = [g.batch, g.outChannels, g.outHeight, g.outWidth]
        let hint = try forwardDescriptor(key)
        let (strides, padL, padR) = spatial(g)
        let pd: dnnl_primitive_desc_t
        // (argument, query, dims, is an input) per buffer, in the order the public functions pass them.
        var ports: [(Int32, dnnl_query_t, [Int], Bool)]
        switch key.pass {
        case .forward:
            pd = hint
            ports = [(DNNL_ARG_SRC, dnnl_query_src_md, srcDims, true),
                     (DNNL_ARG_WEIGHTS, dnnl_query_weights_md, weightDims, true)]
            if key.hasBias { ports.append((DNNL_ARG_BIAS, dnnl_query_weights_md, [g.outChannels], true)) }
            ports.append((DNNL_ARG_DST, dnnl_query_dst_md, dstDims, false))
        case .backwardData:
            var diffSrc = try anyDesc(srcDims), weights = try anyDesc(weightDims), diffDst = try anyDesc(dstDims)
            var desc = dnnl_convolution_desc_t()
            try check(dnnl_convolution_backward_data_desc_init(&desc, dnnl_convolution_direct, &diffSrc, &weights,
                                                               &diffDst, strides, padL, padR),
                      "conv2d backward data \(g)")
            var created: dnnl_primitive_desc_t?
            try check(dnnl_primitive_desc_create(&created, &desc, nil, engine, hint), "conv2d backward data \(g)")
            pd = created!
            ports = [(DNNL_ARG_DIFF_SRC, dnnl_query_diff_src_md, srcDims, false),
                     (DNNL_ARG_WEIGHTS, dnnl_query_weights_md, weightDims, true),
                     (DNNL_ARG_DIFF_DST, dnnl_query_diff_dst_md, dstDims, true)]
        case .backwardWeights:
            var src = try anyDesc(srcDims), diffWeights = try anyDesc(weightDims)
            var diffBias = key.hasBias ? try anyDesc([g.outChannels]) : dnnl_memory_desc_t()
            var diffDst = try anyDesc(dstDims)
            var desc = dnnl_convolution_desc_t()
            try check(dnnl_convolution_backward_weights_desc_init(&desc, dnnl_convolution_direct, &src, &diffWeights,
                                                                  &diffBias, &diffDst,
                                                                  strides, padL, padR),
                      "conv2d backward weights \(g)")
            var created: dnnl_primitive_desc_t?
            try check(dnnl_primitive_desc_create(&created, &desc, nil, engine, hint),
                      "conv2d backward weights \(g)")
            pd = created!
            ports = [(DNNL_ARG_SRC, dnnl_query_src_md, srcDims, true),
                     (DNNL_ARG_DIFF_WEIGHTS, dnnl_query_diff_weights_md, weightDims, false)]
            if key.hasBias {
                ports.append((DNNL_ARG_DIFF_BIAS, dnnl_query_diff_weights_md, [g.outChannels], false))
            }
            ports.append((DNNL_ARG_DIFF_DST, dnnl_query_diff_dst_md, dstDims, true))
        }
        var primitive: dnnl_primitive_t?
        try check(dnnl_primitive_create(&primitive, pd), "conv2d \(key.pass) \(g)")
        // Bias and diff-bias are the second weights-like tensor of the primitive (index 1).
        let planPorts = try ports.map { arg, query, dims, isInput in
            let index: Int32 = (arg == DNNL_ARG_BIAS || arg == DNNL_ARG_DIFF_BIAS) ? 1 : 0
            guard let inner = dnnl_primitive_desc_query_md(pd, query, index) else {
                throw EngineError.dnnl(op: "conv2d \(key.pass) \(g): no layout for argument \(arg)", status: -1)
            }
            return try Port(arg: arg, plainDims: dims, inner: inner.pointee, isInput: isInput, engine: engine)
        }
        return Plan(primitive: primitive!, ports: planPorts)
    }

    private func spatial(_ g: Conv2DGeometry) -> ([Int64], [Int64], [Int64]) {
        ([Int64(g.stride), Int64(g.stride)], [Int64(g.padding), Int64(g.padding)],
         [Int64(g.padding), Int64(g.padding)])
    }

    private func anyDesc(_ dims: [Int]) throws -> dnnl_memory_desc_t {
        var md = dnnl_memory_desc_t()
        let dims64 = dims.map(Int64.init)
        try check(dnnl_memory_desc_init_by_tag(&md, Int32(dims.count), dims64, dnnl_f32, dnnl_format_tag_any),
                  "memory descriptor \(dims)")
        return md
    }

    // MARK: Matrix multiply

    /// Row-major `C = alpha * op(A) * op(B) + beta * C` with op(A) [m, k], op(B) [k, n], C [m, n].
    static func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                      a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                      beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) throws {
        let ta = CChar(UInt8(ascii: transposeA ? "T" : "N")), tb = CChar(UInt8(ascii: transposeB ? "T" : "N"))
        try oneDNNExecution.withLock { try check(dnnl_sgemm(ta, tb, Int64(m), Int64(n), Int64(k), alpha, a, Int64(lda), b, Int64(ldb),
                             beta, c, Int64(ldc)), "sgemm [\(m), \(k)] x [\(k), \(n)]") }
    }
}

/// A caller's buffer handed to a primitive.
struct Buffer {
    let pointer: UnsafeMutableRawPointer
    init(_ p: UnsafePointer<Float>) { pointer = UnsafeMutableRawPointer(mutating: p) }
    init(_ p: UnsafeMutablePointer<Float>) { pointer = UnsafeMutableRawPointer(p) }
}

/// One argument of a primitive: the caller's plain (NCHW/OIHW/x) memory, and the primitive's own memory with a
/// reorder between them when the primitive wants another layout.
private struct Port {
    let arg: Int32
    let isInput: Bool
    let user: dnnl_memory_t
    let inner: dnnl_memory_t?
    let reorder: dnnl_primitive_t?

    init(arg: Int32, plainDims: [Int], inner innerDesc: dnnl_memory_desc_t, isInput: Bool,
         engine: dnnl_engine_t) throws {
        self.arg = arg
        self.isInput = isInput
        var plain = dnnl_memory_desc_t()
        let tag: dnnl_format_tag_t = plainDims.count == 4 ? dnnl_abcd : dnnl_a
        try check(dnnl_memory_desc_init_by_tag(&plain, Int32(plainDims.count), plainDims.map(Int64.init), dnnl_f32,
                                               tag), "memory descriptor \(plainDims)")
        var user: dnnl_memory_t?
        try check(dnnl_memory_create(&user, &plain, engine, nil), "memory \(plainDims)")
        self.user = user!
        var innerDesc = innerDesc
        if dnnl_memory_desc_equal(&plain, &innerDesc) != 0 {
            inner = nil
            reorder = nil
            return
        }
        // DNNL_MEMORY_ALLOCATE ((void *)(size_t)-1) does not import: the library owns this buffer.
        var innerMemory: dnnl_memory_t?
        try check(dnnl_memory_create(&innerMemory, &innerDesc, engine, UnsafeMutableRawPointer(bitPattern: UInt.max)),
                  "memory \(plainDims) (primitive layout)")
        inner = innerMemory!
        var reorderDesc: dnnl_primitive_desc_t?
        if isInput {
            try check(dnnl_reorder_primitive_desc_create(&reorderDesc, &plain, engine, &innerDesc, engine, nil),
                      "reorder \(plainDims)")
        } else {
            try check(dnnl_reorder_primitive_desc_create(&reorderDesc, &innerDesc, engine, &plain, engine, nil),
                      "reorder \(plainDims)")
        }
        var reorder: dnnl_primitive_t?
        try check(dnnl_primitive_create(&reorder, reorderDesc), "reorder \(plainDims)")
        dnnl_primitive_desc_destroy(reorderDesc)
        self.reorder = reorder!
    }
}

/// A created primitive and its ports, reused for every call with the same shapes.
private final class Plan {
    let primitive: dnnl_primitive_t
    let ports: [Port]
    init(primitive: dnnl_primitive_t, ports: [Port]) {
        self.primitive = primitive
        self.ports = ports
    }

    /// Runs the primitive on the caller's buffers, one per port, in port order.
    func execute(_ buffers: [Buffer], stream: dnnl_stream_t) throws {
        precondition(buffers.count == ports.count, "DNNL plan: \(buffers.count) buffers for \(ports.count) ports")
        for (port, buffer) in zip(ports, buffers) {
            try check(dnnl_memory_set_data_handle(port.user, buffer.pointer), "set data handle")
        }
        for port in ports where port.isInput {
            if let reorder = port.reorder { try reorderRun(reorder, from: port.user, to: port.inner!, stream) }
        }
        var args = ports.map { dnnl_exec_arg_t(arg: $0.arg, memory: $0.inner ?? $0.user) }
        try check(dnnl_primitive_execute(primitive, stream, Int32(args.count), &args), "execute")
        for port in ports where !port.isInput {
            if let reorder = port.reorder { try reorderRun(reorder, from: port.inner!, to: port.user, stream) }
        }
        try check(dnnl_stream_wait(stream), "stream wait")
    }

    private func reorderRun(_ reorder: dnnl_primitive_t, from: dnnl_memory_t, to: dnnl_memory_t,
                            _ stream: dnnl_stream_t) throws {
        var args = [dnnl_exec_arg_t(arg: DNNL_ARG_FROM, memory: from), dnnl_exec_arg_t(arg: DNNL_ARG_TO, memory: to)]
        try check(dnnl_primitive_execute(reorder, stream, 2, &args), "reorder")
    }
}
