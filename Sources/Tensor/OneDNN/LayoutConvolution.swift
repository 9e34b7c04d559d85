import CDNNL
import Foundation

// Convolution on layout tensors: the primitive picks its layouts (`format_tag_any`); inputs in another layout are
// reordered to them, outputs stay in the primitive's.

/// What a forward convolution fuses after itself: `accumulate` adds the destination's previous contents (a
/// residual), then `relu` clips at 0.
private struct ForwardSettings: Hashable {
    var algorithm: ConvolutionAlgorithm
    var hasBias: Bool
    var accumulate = false
    var relu = false
    var training = true
    var precision = ConvolutionPrecision.fp32
    /// int8: per output channel, what turns the int32 sums back into fp32 (1 / (input scale x weight scale)). Set at
    /// creation: oneDNN 2.6's int8 convolutions take no scales at execution, so each layer has its own primitive.
    var outputScales: [Float] = []

    var ints: [Int] {
        [algorithm == .winograd ? 1 : 0, hasBias ? 1 : 0, accumulate ? 1 : 0, relu ? 1 : 0, training ? 1 : 0,
         Int(types.source.rawValue)] + outputScales.map { Int($0.bitPattern) }
    }

    /// The data types of the input and the weights (the output and bias are fp32).
    var types: (source: dnnl_data_type_t, weights: dnnl_data_type_t) {
        switch precision {
        case .fp32: (dnnl_f32, dnnl_f32)
        case .bf16: (dnnl_bf16, dnnl_bf16)
        case .int8(let range): (range.nonNegative ? dnnl_u8 : dnnl_s8, dnnl_s8)
        }
    }
}

private func geometryInts(_ g: Conv2DGeometry) -> [Int] {
    [g.batch, g.inChannels, g.height, g.width, g.outChannels, g.kernelHeight, g.kernelWidth, g.stride, g.padding,
     threadKey]
}

private func spatial(_ g: Conv2DGeometry) -> ([Int64], [Int64], [Int64]) {
    ([Int64(g.stride), Int64(g.stride)], [Int64(g.padding), Int64(g.padding)], [Int64(g.padding), Int64(g.padding)])
}

private func dnnlAlgorithm(_ a: ConvolutionAlgorithm) -> dnnl_alg_kind_t {
    a == .winograd ? dnnl_convolution_winograd : dnnl_convolution_direct
}

extension LayoutEngine {
    /// The forward primitive (nil when oneDNN has none for this algorithm and shape).
    private func forward(_ g: Conv2DGeometry, _ s: ForwardSettings) throws -> Entry {
        try entry(Key(op: "conv.fwd", ints: geometryInts(g) + s.ints, layouts: [])) {
            var src = try anyDescriptor(g.inputShape, s.types.source)
            var weights = try anyDescriptor(g.weightShape, s.types.weights)
            var bias = s.hasBias ? try anyDescriptor([g.outChannels]) : dnnl_memory_desc_t()
            var dst = try anyDescriptor(g.outputShape)
            var desc = dnnl_convolution_desc_t()
            let (strides, padL, padR) = spatial(g)
            try check(dnnl_convolution_forward_desc_init(
                &desc, s.training ? dnnl_forward_training : dnnl_forward_inference, dnnlAlgorithm(s.algorithm),
                &src, &weights, &bias, &dst, strides, padL, padR), "conv2d forward \(g)")
            // Per destination channel (axis 1 of [N, O, H, W]: mask 2).
            let attr = try attributes(outputScales: s.outputScales, mask: 2)
            defer { dnnl_primitive_attr_destroy(attr) }
            if s.accumulate || s.relu {
                var ops: dnnl_post_ops_t?
                try check(dnnl_post_ops_create(&ops), "conv2d post-ops")
                defer { dnnl_post_ops_destroy(ops) }
                if s.accumulate { try check(dnnl_post_ops_append_sum(ops, 1), "conv2d post-op sum") }
                if s.relu { try check(dnnl_post_ops_append_eltwise(ops, 1, dnnl_eltwise_relu, 0, 0), "conv2d post-op relu") }
                try check(dnnl_primitive_attr_set_post_ops(attr, ops), "conv2d post-ops")
            }
            var pd: dnnl_primitive_desc_t?
            let status = dnnl_primitive_desc_create(&pd, &desc, attr, engine, nil)
            if status == dnnl_unimplemented && s.algorithm != .direct { return nil }
            if status == dnnl_unimplemented && s.precision != .fp32 {
                let name = s.precision == .bf16 ? "bf16" : "int8"
                throw EngineError.invalidArgument(op: "conv2d forward \(g)", "oneDNN has no \(name) convolution for this CPU; run in fp32 (--precision fp32)")
            }
            try check(status, "conv2d forward \(g) \(s.algorithm)")
            return pd
        }
    }

    /// The forward primitive for `algorithm`, or the direct one where that has none.
    private func forwardFalling(_ g: Conv2DGeometry, _ s: ForwardSettings) throws -> Entry {
        let e = try forward(g, s)
        if e.pd != nil { return e }
        var direct = s
        direct.algorithm = .direct
        return try forward(g, direct)
    }

    func convolutionForward(_ x: LayoutTensor, weight: ConvolutionWeights, bias: Tensor?, _ g: Conv2DGeometry,
                            algorithm: ConvolutionAlgorithm, accumulate residual: LayoutTensor?, relu: Bool,
                            training: Bool, precision: ConvolutionPrecision = .fp32) throws -> LayoutTensor {
        if case .int8 = precision { precondition(!training, "convolutionForward: int8 is for inference only") }
        var settings = ForwardSettings(algorithm: algorithm, hasBias: bias != nil, accumulate: residual != nil,
                                       relu: relu, training: training, precision: precision)
        var quantised: LayoutTensor?
        if case .int8(let range) = precision {
            // The weights' layout does not depend on the scales: a primitive with unit scales tells it, and the
            // weights (and their scales, worked out on a cache miss only) are found before the layer's primitive.
            var probe = settings
            probe.outputScales = [Float](repeating: 1, count: g.outChannels)
            let layout = try queried(try forwardFalling(g, probe).pd!, dnnl_query_weights_md)
            let (w, weightScales) = try InferenceWeights.shared.reordered(weight, to: layout, self,
                                                                         scales: int8Scales(perOutputChannel:))
            settings.outputScales = weightScales.map { 1 / (range.scale * $0) }
            quantised = w
        }
        let e = try forwardFalling(g, settings)
        let pd = e.pd!
        let srcDesc = try queried(pd, dnnl_query_src_md)
        let src: LayoutTensor
        if case .int8(let range) = precision {
            src = try reorder(x, to: srcDesc, scale: range.scale)
        } else {
            src = try reorder(x, to: srcDesc)
        }
        let weightDesc = try queried(pd, dnnl_query_weights_md)
        let w: LayoutTensor
        if training {
            w = try weights(weight, in: weightDesc, keep: true)
        } else if let quantised {
            w = quantised
        } else {
            w = try InferenceWeights.shared.reordered(weight, to: weightDesc, self).reordered
        }
        let dstDesc = try queried(pd, dnnl_query_dst_md)
        let dst: LayoutTensor
        if let residual {
            let r = try reorder(residual, to: dstDesc)
            dst = r === residual ? copy(r) : r
        } else {
            dst = LayoutTensor(shape: g.outputShape, descriptor: dstDesc)
        }
        var args: [(Int32, dnnl_memory_desc_t, UnsafeMutableRawPointer)] = [
            (DNNL_ARG_SRC, src.descriptor, src.data), (DNNL_ARG_WEIGHTS, w.descriptor, w.data),
            (DNNL_ARG_DST, dst.descriptor, dst.data),
        ]
        // An int8 convolution adds the bias to its int32 sums before the output scale: the bias goes in in those units.
        let scaledBias = settings.outputScales.isEmpty ? bias
            : bias.map { Tensor(shape: $0.shape, scalars: zip($0.scalars, settings.outputScales).map { $0 / $1 }) }
        if let bias = scaledBias {
            try pointer(bias) { b in
                args.append((DNNL_ARG_BIAS, plainDescriptor([g.outChannels]), b))
                try run(e.primitive!, "conv2d forward \(g)", args, keep: [src, w, dst])
            }
        } else {
            try run(e.primitive!, "conv2d forward \(g)", args, keep: [src, w, dst])
        }
        return dst
    }

    /// `w` in the layout `target`: the copy the forward pass made when its layout is the same (Winograd's forward and
    /// backward-data primitives agree), else a fresh reorder, kept for the backward pass if `keep`.
    private func weights(_ w: ConvolutionWeights, in target: dnnl_memory_desc_t, keep: Bool) throws -> LayoutTensor {
        if let r = w.reordered, same(r.descriptor, target) { return r }
        let r = try reorder(w.plain, to: target)
        if keep { w.reordered = r }
        return r
    }

    /// Backward primitives with a forward hint of the same algorithm; Winograd falls back to direct. In bf16 the
    /// output gradient and the operand beside it (weights, or the input) are bf16 and what is computed (the input's
    /// or the weights' gradient) stays fp32, so the optimizer updates fp32 master weights.
    private func backward(_ g: Conv2DGeometry, data: Bool, hasBias: Bool, algorithm: ConvolutionAlgorithm,
                          precision: ConvolutionPrecision) throws -> Entry
    {
        let op = data ? "conv.bwd.data" : "conv.bwd.weights"
        let bf16 = precision == .bf16
        let low = bf16 ? dnnl_bf16 : dnnl_f32
        let e = try entry(Key(op: op, ints: geometryInts(g) + [algorithm == .winograd ? 1 : 0, hasBias ? 1 : 0,
                                                               bf16 ? 1 : 0], layouts: [])) {
            let hint = try forward(g, ForwardSettings(algorithm: algorithm, hasBias: hasBias, precision: precision))
            guard let hintPD = hint.pd else { return nil }
            var src = try anyDescriptor(g.inputShape, data ? dnnl_f32 : low)
            var weights = try anyDescriptor(g.weightShape, data ? low : dnnl_f32)
            var dst = try anyDescriptor(g.outputShape, low)
            var bias = hasBias ? try anyDescriptor([g.outChannels]) : dnnl_memory_desc_t()
            var desc = dnnl_convolution_desc_t()
            let (strides, padL, padR) = spatial(g)
            if data {
                try check(dnnl_convolution_backward_data_desc_init(&desc, dnnlAlgorithm(algorithm), &src, &weights,
                                                                   &dst, strides, padL, padR), "\(op) \(g)")
            } else {
                try check(dnnl_convolution_backward_weights_desc_init(&desc, dnnlAlgorithm(algorithm), &src,
                                                                      &weights, &bias, &dst, strides, padL, padR),
                          "\(op) \(g)")
            }
            var pd: dnnl_primitive_desc_t?
            let status = dnnl_primitive_desc_create(&pd, &desc, nil, engine, hintPD)
            if status == dnnl_unimplemented && algorithm != .direct { return nil }
            try check(status, "\(op) \(g) \(algorithm)")
            return pd
        }
        if e.pd == nil && algorithm != .direct {
            return try backward(g, data: data, hasBias: hasBias, algorithm: .direct, precision: precision)
        }
        return e
    }

    func convolutionBackwardData(_ dy: LayoutTensor, weight: ConvolutionWeights, _ g: Conv2DGeometry,
                                 algorithm: ConvolutionAlgorithm, precision: ConvolutionPrecision) throws -> LayoutTensor {
        let e = try backward(g, data: true, hasBias: false, algorithm: algorithm, precision: precision)
        let pd = e.pd!
        let diffDst = try reorder(dy, to: try queried(pd, dnnl_query_diff_dst_md))
        let w = try weights(weight, in: try queried(pd, dnnl_query_weights_md), keep: false)
        let dx = LayoutTensor(shape: g.inputShape, descriptor: try queried(pd, dnnl_query_diff_src_md))
        try run(e.primitive!, "conv2d backward data \(g)", [
            (DNNL_ARG_DIFF_DST, diffDst.descriptor, diffDst.data), (DNNL_ARG_WEIGHTS, w.descriptor, w.data),
            (DNNL_ARG_DIFF_SRC, dx.descriptor, dx.data),
        ], keep: [diffDst, w, dx])
        return dx
    }

    func convolutionBackwardWeights(_ dy: LayoutTensor, input x: LayoutTensor, _ g: Conv2DGeometry, withBias: Bool,
                                    algorithm: ConvolutionAlgorithm, precision: ConvolutionPrecision) throws
        -> (Tensor, Tensor?)
    {
        let e = try backward(g, data: false, hasBias: withBias, algorithm: algorithm, precision: precision)
        let pd = e.pd!
        let diffDst = try reorder(dy, to: try queried(pd, dnnl_query_diff_dst_md))
        let src = try reorder(x, to: try queried(pd, dnnl_query_src_md))
        let dwDesc = try queried(pd, dnnl_query_diff_weights_md)
        let dwInner = LayoutTensor(shape: g.weightShape, descriptor: dwDesc)
        var gradBias = withBias ? Tensor(shape: [g.outChannels]) : nil
        var args: [(Int32, dnnl_memory_desc_t, UnsafeMutableRawPointer)] = [
            (DNNL_ARG_DIFF_DST, diffDst.descriptor, diffDst.data), (DNNL_ARG_SRC, src.descriptor, src.data),
            (DNNL_ARG_DIFF_WEIGHTS, dwInner.descriptor, dwInner.data),
        ]
        if gradBias != nil {
            try gradBias!.withUnsafeMutableBufferPointer { db in
                args.append((DNNL_ARG_DIFF_BIAS, plainDescriptor([g.outChannels]), UnsafeMutableRawPointer(db.baseAddress!)))
                try run(e.primitive!, "conv2d backward weights \(g)", args, keep: [diffDst, src, dwInner])
            }
        } else {
            try run(e.primitive!, "conv2d backward weights \(g)", args, keep: [diffDst, src, dwInner])
        }
        return (try dwInner.plain(), gradBias)
    }
}

/// Inference weights already in a primitive's layout, reused while the weights are unchanged. Winograd's inference
/// layout is the weights' Winograd transform, which cost more than the convolution itself when redone per call
/// (625 ms against 304 ms for ResNet-18's 3x3 convolutions at 200x200 batch 20, 1 thread); folding batch norm into
/// the weights costs a pass over them. Entries are found by comparing what the weights are made from
/// (`ConvolutionWeights.identity`: memcmp, milliseconds), so changed weights are never served stale.
final class InferenceWeights: @unchecked Sendable {
    static let shared = InferenceWeights()
    private let lock = NSLock()
    private var entries: [[UInt8]: [(identity: [[Float]], reordered: LayoutTensor, scales: [Float])]] = [:]
    /// Per target layout; enough for the convolutions of one shape in a deep ResNet stage.
    private let perLayout = 16

    /// `scales`: the multipliers applied on the way (int8 quantisation), worked out from the weights on a miss only.
    func reordered(_ weight: ConvolutionWeights, to target: dnnl_memory_desc_t, _ engine: LayoutEngine,
                   scales: ((Tensor) -> [Float])? = nil) throws -> (reordered: LayoutTensor, scales: [Float]) {
        let key = bytes(target)
        let found: (LayoutTensor, [Float])? = lock.withLock {
            guard let list = entries[key], let hit = list.first(where: { same($0.identity, weight.identity) }) else {
                return nil
            }
            return (hit.reordered, hit.scales)
        }
        if let found { return found }
        let plain = weight.plain
        let multipliers = scales?(plain) ?? []
        let made = try engine.reorder(plain, to: target, scales: multipliers)
        lock.withLock {
            var list = entries[key] ?? []
            if list.count >= perLayout { list.removeFirst() }
            list.append((weight.identity.map(\.scalars), made, multipliers))
            entries[key] = list
        }
        return (made, multipliers)
    }

    private func same(_ a: [[Float]], _ b: [Tensor]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { equal($0, $1.scalars) }
    }

    private func equal(_ a: [Float], _ b: [Float]) -> Bool {
        guard a.count == b.count else { return false }
        return a.withUnsafeBytes { x in b.withUnsafeBytes { y in memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 } }
    }
}

/// Symmetric int8 weight scales: per output channel (axis 0 of [O, C, kH, kW]), 127 over its largest magnitude
/// (1 for a channel of zeros).
func int8Scales(perOutputChannel weight: Tensor) -> [Float] {
    let channels = weight.shape[0], size = weight.count / max(channels, 1)
    return weight.withUnsafeBufferPointer { w in
        (0..<channels).map { o in
            var largest: Float = 0
            for i in (o * size)..<((o + 1) * size) { largest = max(largest, abs(w[i])) }
            return largest > 0 ? 127 / largest : 1
        }
    }
}
