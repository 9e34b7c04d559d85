import CDNNL

// Batch normalisation, ReLU, addition and max pooling on layout tensors, in whatever layout their input has (the
// convolution's), so no reorders happen between layers.

extension LayoutEngine {
    // MARK: Batch normalisation

    private func normFlags(global: Bool, relu: Bool) -> UInt32 {
        var flags = dnnl_use_scale.rawValue | dnnl_use_shift.rawValue
        if global { flags |= dnnl_use_global_stats.rawValue }
        if relu { flags |= dnnl_fuse_norm_relu.rawValue }
        return flags
    }

    private func normForward(_ data: dnnl_memory_desc_t, shape: [Int], epsilon: Float, training: Bool,
                             global: Bool, relu: Bool) throws -> Entry {
        let flags = normFlags(global: global, relu: relu)
        return try entry(Key(op: "bn.fwd", ints: shape + [Int(epsilon.bitPattern), training ? 1 : 0, Int(flags), threadKey],
                             layouts: [bytes(data)])) {
            var d = data
            var desc = dnnl_batch_normalization_desc_t()
            try check(dnnl_batch_normalization_forward_desc_init(
                &desc, training ? dnnl_forward_training : dnnl_forward_inference, &d, epsilon, flags),
                      "batchNorm forward \(shape)")
            var pd: dnnl_primitive_desc_t?
            try check(dnnl_primitive_desc_create(&pd, &desc, nil, engine, nil), "batchNorm forward \(shape)")
            return pd
        }
    }

    /// Training: normalises with the batch's mean and biased variance (returned); with `relu`, ReLU is fused and
    /// the returned workspace (its mask) is what the backward pass needs.
    func batchNormTraining(_ x: LayoutTensor, weight: Tensor, bias: Tensor, epsilon: Float, relu: Bool) throws
        -> (output: LayoutTensor, mean: Tensor, variance: Tensor, workspace: LayoutTensor?)
    {
        let c = x.shape[1]
        let e = try normForward(x.descriptor, shape: x.shape, epsilon: epsilon, training: true, global: false,
                                relu: relu)
        let y = LayoutTensor(shape: x.shape, descriptor: x.descriptor)
        var mean = Tensor(shape: [c]), variance = Tensor(shape: [c])
        let workspace = relu ? LayoutTensor(shape: [0], descriptor: try queried(e.pd!, dnnl_query_workspace_md)) : nil
        let vector = plainDescriptor([c])
        try pointer(weight) { w in
            try pointer(bias) { b in
                try mean.withUnsafeMutableBufferPointer { m in
                    try variance.withUnsafeMutableBufferPointer { v in
                        var args: [(Int32, dnnl_memory_desc_t, UnsafeMutableRawPointer)] = [
                            (DNNL_ARG_SRC, x.descriptor, x.data), (DNNL_ARG_DST, y.descriptor, y.data),
                            (DNNL_ARG_SCALE, vector, w), (DNNL_ARG_SHIFT, vector, b),
                            (DNNL_ARG_MEAN, vector, UnsafeMutableRawPointer(m.baseAddress!)),
                            (DNNL_ARG_VARIANCE, vector, UnsafeMutableRawPointer(v.baseAddress!)),
                        ]
                        if let workspace { args.append((DNNL_ARG_WORKSPACE, workspace.descriptor, workspace.data)) }
                        try run(e.primitive!, "batchNorm forward \(x.shape)", args, keep: [x, y] + (workspace.map { [$0] } ?? []))
                    }
                }
            }
        }
        return (y, mean, variance, workspace)
    }

    /// Evaluation: normalises with the given (running) statistics.
    func batchNormInference(_ x: LayoutTensor, weight: Tensor, bias: Tensor, mean: Tensor, variance: Tensor,
                            epsilon: Float, training: Bool) throws -> LayoutTensor {
        let e = try normForward(x.descriptor, shape: x.shape, epsilon: epsilon, training: training, global: true,
                                relu: false)
        let y = LayoutTensor(shape: x.shape, descriptor: x.descriptor)
        let vector = plainDescriptor([x.shape[1]])
        try pointer(weight) { w in
            try pointer(bias) { b in
                try pointer(mean) { m in
                    try pointer(variance) { v in
                        try run(e.primitive!, "batchNorm inference \(x.shape)", [
                            (DNNL_ARG_SRC, x.descriptor, x.data), (DNNL_ARG_DST, y.descriptor, y.data),
                            (DNNL_ARG_SCALE, vector, w), (DNNL_ARG_SHIFT, vector, b), (DNNL_ARG_MEAN, vector, m),
                            (DNNL_ARG_VARIANCE, vector, v),
                        ], keep: [x, y])
                    }
                }
            }
        }
        return y
    }

    /// Gradients with respect to the input, weight and bias. `global`: the statistics were given (evaluation mode),
    /// so they do not depend on the input.
    func batchNormBackward(_ dy: LayoutTensor, input x: LayoutTensor, weight: Tensor, mean: Tensor, variance: Tensor,
                           epsilon: Float, global: Bool, workspace: LayoutTensor?) throws
        -> (input: LayoutTensor, weight: Tensor, bias: Tensor)
    {
        let relu = workspace != nil
        let flags = normFlags(global: global, relu: relu)
        let e = try entry(Key(op: "bn.bwd", ints: x.shape + [Int(epsilon.bitPattern), Int(flags), threadKey],
                              layouts: [bytes(x.descriptor)])) {
            let hint = try normForward(x.descriptor, shape: x.shape, epsilon: epsilon, training: true, global: global,
                                       relu: relu)
            var d = x.descriptor, diff = x.descriptor
            var desc = dnnl_batch_normalization_desc_t()
            try check(dnnl_batch_normalization_backward_desc_init(&desc, dnnl_backward, &diff, &d, epsilon, flags),
                      "batchNorm backward \(x.shape)")
            var pd: dnnl_primitive_desc_t?
            try check(dnnl_primitive_desc_create(&pd, &desc, nil, engine, hint.pd), "batchNorm backward \(x.shape)")
            return pd
        }
        let c = x.shape[1]
        let diffDst = try reorder(dy, to: x.descriptor)
        let dx = LayoutTensor(shape: x.shape, descriptor: x.descriptor)
        var dw = Tensor(shape: [c]), db = Tensor(shape: [c])
        // The primitive takes the shift as an argument too, though the gradients do not depend on it.
        let shift = Tensor(shape: [c])
        let vector = plainDescriptor([c])
        try pointer(shift) { b in try pointer(weight) { w in
            try pointer(mean) { m in
                try pointer(variance) { v in
                    try dw.withUnsafeMutableBufferPointer { dwp in
                        try db.withUnsafeMutableBufferPointer { dbp in
                            var args: [(Int32, dnnl_memory_desc_t, UnsafeMutableRawPointer)] = [
                                (DNNL_ARG_SRC, x.descriptor, x.data), (DNNL_ARG_DIFF_DST, diffDst.descriptor, diffDst.data),
                                (DNNL_ARG_SCALE, vector, w), (DNNL_ARG_SHIFT, vector, b), (DNNL_ARG_MEAN, vector, m),
                                (DNNL_ARG_VARIANCE, vector, v),
                                (DNNL_ARG_DIFF_SRC, dx.descriptor, dx.data),
                                (DNNL_ARG_DIFF_SCALE, vector, UnsafeMutableRawPointer(dwp.baseAddress!)),
                                (DNNL_ARG_DIFF_SHIFT, vector, UnsafeMutableRawPointer(dbp.baseAddress!)),
                            ]
                            if let workspace { args.append((DNNL_ARG_WORKSPACE, workspace.descriptor, workspace.data)) }
                            try run(e.primitive!, "batchNorm backward \(x.shape)", args,
                                    keep: [x, diffDst, dx] + (workspace.map { [$0] } ?? []))
                        }
                    }
                }
            }
        } }
        return (dx, dw, db)
    }

    // MARK: ReLU

    private func reluForwardEntry(_ data: dnnl_memory_desc_t, shape: [Int], training: Bool) throws -> Entry {
        try entry(Key(op: "relu.fwd", ints: shape + [training ? 1 : 0, threadKey], layouts: [bytes(data)])) {
            var d = data
            var desc = dnnl_eltwise_desc_t()
            try check(dnnl_eltwise_forward_desc_init(&desc, training ? dnnl_forward_training : dnnl_forward_inference,
                                                     dnnl_eltwise_relu_use_dst_for_bwd, &d, 0, 0), "relu \(shape)")
            var pd: dnnl_primitive_desc_t?
            try check(dnnl_primitive_desc_create(&pd, &desc, nil, engine, nil), "relu \(shape)")
            return pd
        }
    }

    func relu(_ x: LayoutTensor, training: Bool) throws -> LayoutTensor {
        let e = try reluForwardEntry(x.descriptor, shape: x.shape, training: training)
        let y = LayoutTensor(shape: x.shape, descriptor: x.descriptor)
        try run(e.primitive!, "relu \(x.shape)", [(DNNL_ARG_SRC, x.descriptor, x.data), (DNNL_ARG_DST, y.descriptor, y.data)],
                keep: [x, y])
        return y
    }

    /// dy where the ReLU's output y > 0, else 0.
    func reluBackward(_ dy: LayoutTensor, output y: LayoutTensor) throws -> LayoutTensor {
        let e = try entry(Key(op: "relu.bwd", ints: y.shape + [threadKey], layouts: [bytes(y.descriptor)])) {
            let hint = try reluForwardEntry(y.descriptor, shape: y.shape, training: true)
            var d = y.descriptor, diff = y.descriptor
            var desc = dnnl_eltwise_desc_t()
            try check(dnnl_eltwise_backward_desc_init(&desc, dnnl_eltwise_relu_use_dst_for_bwd, &diff, &d, 0, 0),
                      "relu backward \(y.shape)")
            var pd: dnnl_primitive_desc_t?
            try check(dnnl_primitive_desc_create(&pd, &desc, nil, engine, hint.pd), "relu backward \(y.shape)")
            return pd
        }
        let diffDst = try reorder(dy, to: y.descriptor)
        let dx = LayoutTensor(shape: y.shape, descriptor: y.descriptor)
        try run(e.primitive!, "relu backward \(y.shape)", [
            (DNNL_ARG_DIFF_DST, diffDst.descriptor, diffDst.data), (DNNL_ARG_DST, y.descriptor, y.data),
            (DNNL_ARG_DIFF_SRC, dx.descriptor, dx.data),
        ], keep: [diffDst, y, dx])
        return dx
    }

    // MARK: Addition

    /// a + b in a's layout.
    func add(_ a: LayoutTensor, _ b: LayoutTensor) throws -> LayoutTensor {
        precondition(a.shape == b.shape, "add: \(a.shape) + \(b.shape)")
        let b = try reorder(b, to: a.descriptor)
        let e = try entry(Key(op: "add", ints: a.shape + [threadKey], layouts: [bytes(a.descriptor)])) {
            var s0 = a.descriptor, s1 = a.descriptor, d = a.descriptor
            var desc = dnnl_binary_desc_t()
            try check(dnnl_binary_desc_init(&desc, dnnl_binary_add, &s0, &s1, &d), "add \(a.shape)")
            var pd: dnnl_primitive_desc_t?
            try check(dnnl_primitive_desc_create(&pd, &desc, nil, engine, nil), "add \(a.shape)")
            return pd
        }
        let y = LayoutTensor(shape: a.shape, descriptor: a.descriptor)
        try run(e.primitive!, "add \(a.shape)", [
            (DNNL_ARG_SRC_0, a.descriptor, a.data), (DNNL_ARG_SRC_1, b.descriptor, b.data),
            (DNNL_ARG_DST, y.descriptor, y.data),
        ], keep: [a, b, y])
        return y
    }

    // MARK: Max pooling

    private func poolingSpatial(_ g: MaxPool2DGeometry) -> ([Int64], [Int64], [Int64], [Int64]) {
        // PyTorch's floor mode: the right/bottom padding is whatever the last window reaches past the input.
        let padRH = (g.outHeight - 1) * g.stride + g.kernel - g.height - g.padding
        let padRW = (g.outWidth - 1) * g.stride + g.kernel - g.width - g.padding
        return ([Int64(g.stride), Int64(g.stride)], [Int64(g.kernel), Int64(g.kernel)],
                [Int64(g.padding), Int64(g.padding)], [Int64(padRH), Int64(padRW)])
    }

    private func poolForward(_ data: dnnl_memory_desc_t, _ g: MaxPool2DGeometry, training: Bool) throws -> Entry {
        let ints = [g.batch, g.channels, g.height, g.width, g.kernel, g.stride, g.padding, training ? 1 : 0, threadKey]
        return try entry(Key(op: "maxpool.fwd", ints: ints, layouts: [bytes(data)])) {
            var src = data, dst = try anyDescriptor(g.outputShape)
            let (strides, kernel, padL, padR) = poolingSpatial(g)
            var desc = dnnl_pooling_desc_t()
            try check(dnnl_pooling_forward_desc_init(&desc, training ? dnnl_forward_training : dnnl_forward_inference,
                                                     dnnl_pooling_max, &src, &dst, strides, kernel, padL, padR),
                      "maxPool2d \(g.outputShape)")
            var pd: dnnl_primitive_desc_t?
            try check(dnnl_primitive_desc_create(&pd, &desc, nil, engine, nil), "maxPool2d")
            return pd
        }
    }

    func maxPool(_ x: LayoutTensor, _ g: MaxPool2DGeometry, training: Bool) throws
        -> (output: LayoutTensor, workspace: LayoutTensor?)
    {
        let e = try poolForward(x.descriptor, g, training: training)
        let y = LayoutTensor(shape: g.outputShape, descriptor: try queried(e.pd!, dnnl_query_dst_md))
        var args: [(Int32, dnnl_memory_desc_t, UnsafeMutableRawPointer)] = [
            (DNNL_ARG_SRC, x.descriptor, x.data), (DNNL_ARG_DST, y.descriptor, y.data),
        ]
        var workspace: LayoutTensor?
        if training {
            let ws = LayoutTensor(shape: [0], descriptor: try queried(e.pd!, dnnl_query_workspace_md))
            args.append((DNNL_ARG_WORKSPACE, ws.descriptor, ws.data))
            workspace = ws
        }
        try run(e.primitive!, "maxPool2d", args, keep: [x, y] + (workspace.map { [$0] } ?? []))
        return (y, workspace)
    }

    func maxPoolBackward(_ dy: LayoutTensor, input x: LayoutTensor, _ g: MaxPool2DGeometry,
                         workspace: LayoutTensor) throws -> LayoutTensor {
        let ints = [g.batch, g.channels, g.height, g.width, g.kernel, g.stride, g.padding, threadKey]
        let e = try entry(Key(op: "maxpool.bwd", ints: ints, layouts: [bytes(x.descriptor)])) {
            let hint = try poolForward(x.descriptor, g, training: true)
            var diffSrc = try anyDescriptor(x.shape), diffDst = try queried(hint.pd!, dnnl_query_dst_md)
            let (strides, kernel, padL, padR) = poolingSpatial(g)
            var desc = dnnl_pooling_desc_t()
            try check(dnnl_pooling_backward_desc_init(&desc, dnnl_pooling_max, &diffSrc, &diffDst, strides, kernel,
                                                      padL, padR), "maxPool2d backward")
            var pd: dnnl_primitive_desc_t?
            try check(dnnl_primitive_desc_create(&pd, &desc, nil, engine, hint.pd), "maxPool2d backward")
            return pd
        }
        let diffDst = try reorder(dy, to: try queried(e.pd!, dnnl_query_diff_dst_md))
        let dx = LayoutTensor(shape: x.shape, descriptor: try queried(e.pd!, dnnl_query_diff_src_md))
        try run(e.primitive!, "maxPool2d backward", [
            (DNNL_ARG_DIFF_DST, diffDst.descriptor, diffDst.data), (DNNL_ARG_WORKSPACE, workspace.descriptor, workspace.data),
            (DNNL_ARG_DIFF_SRC, dx.descriptor, dx.data),
        ], keep: [diffDst, workspace, dx])
        return dx
    }
}
