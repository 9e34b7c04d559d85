import CDNNL
import Foundation

// Every oneDNN call in Perseus lives in this folder, Sources/Tensor/OneDNN/, behind the engine's own types
// (`Tensor`, `LayoutTensor`, `Conv2DGeometry`, raw Float buffers): every file here imports CDNNL, and no file
// elsewhere does (scripts/check-architecture.sh checks both). oneDNN 3.x removed the `*_desc_init` op descriptors
// used here, so a port touches this folder only.
//
//   OneDNN.swift             the process's one engine and stream, and the helpers every file here uses
//   DNNL.swift               convolutions and matrix products on plain (row-major) buffers, reordered around each call
//   LayoutEngine.swift       the primitive cache and the reorders for layout tensors
//   LayoutConvolution.swift  convolution on layout tensors
//   LayoutLayers.swift       batch normalisation, ReLU, addition and max pooling on layout tensors
//   LayoutTensor.swift       values in the memory layout a primitive chose
//   OpenMP.swift             libgomp, the thread runtime oneDNN runs on, for `Parallel`

/// The process's one oneDNN engine and stream, shared by the plain-layout plans (`DNNL`) and the blocked-layout
/// primitives (`LayoutEngine`).
final class OneDNNEngine: @unchecked Sendable {
    let engine: dnnl_engine_t
    private let stream: dnnl_stream_t

    private static let result: Result<OneDNNEngine, EngineError> = Result { try OneDNNEngine() }.mapError {
        $0 as? EngineError ?? .dnnl(op: "engine", status: -1)
    }

    /// The shared engine and stream (created on first use).
    static func shared() throws -> OneDNNEngine { try result.get() }

    private init() throws {
        var engine: dnnl_engine_t?
        try check(dnnl_engine_create(&engine, dnnl_cpu, 0), "engine")
        var stream: dnnl_stream_t?
        try check(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue), "stream")
        self.engine = engine!
        self.stream = stream!
    }

    /// Runs `body` (executions on the stream, and the wait for them) while no other oneDNN execution runs.
    func serially<R>(_ body: (dnnl_stream_t) throws -> R) rethrows -> R {
        try oneDNNExecution.withLock { try body(stream) }
    }
}

/// Serialises every oneDNN execution in the process (on the stream, and `dnnl_sgemm`): primitives share oneDNN's
/// scratchpad and the one stream, and tests run concurrently.
let oneDNNExecution = NSLock()

func bytes(_ d: dnnl_memory_desc_t) -> [UInt8] { withUnsafeBytes(of: d) { Array($0) } }

func same(_ a: dnnl_memory_desc_t, _ b: dnnl_memory_desc_t) -> Bool {
    var a = a, b = b
    return dnnl_memory_desc_equal(&a, &b) != 0
}

/// A descriptor that leaves the layout to the primitive (`format_tag_any`).
func anyDescriptor(_ shape: [Int], _ type: dnnl_data_type_t = dnnl_f32) throws -> dnnl_memory_desc_t {
    var md = dnnl_memory_desc_t()
    try check(dnnl_memory_desc_init_by_tag(&md, Int32(shape.count), shape.map(Int64.init), type,
                                           dnnl_format_tag_any), "memory descriptor \(shape)")
    return md
}

/// A memory descriptor a primitive descriptor reports.
func queried(_ pd: dnnl_primitive_desc_t, _ what: dnnl_query_t, _ index: Int32 = 0) throws -> dnnl_memory_desc_t {
    guard let md = dnnl_primitive_desc_query_md(pd, what, index) else {
        throw EngineError.dnnl(op: "query memory descriptor \(what)", status: -1)
    }
    return md.pointee
}

func pointer(_ t: Tensor, _ body: (UnsafeMutableRawPointer) throws -> Void) rethrows {
    try t.withUnsafeBufferPointer { try body(UnsafeMutableRawPointer(mutating: $0.baseAddress!)) }
}

func check(_ status: dnnl_status_t, _ op: String) throws {
    guard status == dnnl_success else { throw EngineError.dnnl(op: op, status: Int(status.rawValue)) }
}

/// oneDNN's kernels choose their blocking for a thread count; a new count needs new primitives.
var threadKey: Int { Int(omp_get_max_threads()) }
