/// A dense Float32 tensor in row-major order (NCHW for images: batch, channels, height, width).
///
/// Values are a Swift array, so copies are cheap until written (copy-on-write) and a tensor can cross threads.
/// Kernels read and write through `withUnsafeBufferPointer` / `withUnsafeMutableBufferPointer`: indexing the array
/// in a hot loop is ten times slower than the raw buffer.
public struct Tensor: Sendable, Equatable {
    public let shape: [Int]
    public var scalars: [Float]

    /// A tensor with the given values; `scalars.count` must equal the product of `shape`.
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in shape \(shape)")
        precondition(scalars.count == shape.reduce(1, *),
                     "Tensor: \(scalars.count) values do not fill shape \(shape)")
        self.shape = shape
        self.scalars = scalars
    }

    public init(shape: [Int], repeating value: Float = 0) {
        self.init(shape: shape, scalars: Array(repeating: value, count: shape.reduce(1, *)))
    }

    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(shape: shape) }
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 1) }

    /// A scalar (rank-0) tensor.
    public init(_ value: Float) { self.init(shape: [], scalars: [value]) }

    public var count: Int { scalars.count }
    public var rank: Int { shape.count }

    /// The same values under another shape with the same element count.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        guard newShape.reduce(1, *) == count, newShape.allSatisfy({ $0 >= 0 }) else {
            throw EngineError.shape(op: "reshape", "cannot view \(shape) (\(count) values) as \(newShape)")
        }
        return Tensor(shape: newShape, scalars: scalars)
    }

    /// Row-major strides, in elements.
    public var strides: [Int] {
        var strides = Array(repeating: 1, count: rank)
        var step = 1
        for axis in stride(from: rank - 1, through: 0, by: -1) {
            strides[axis] = step
            step *= shape[axis]
        }
        return strides
    }

    /// Element at a multi-index (slow; for tests and small data).
    public subscript(_ index: Int...) -> Float {
        get { scalars[offset(index)] }
        set { scalars[offset(index)] = newValue }
    }

    private func offset(_ index: [Int]) -> Int {
        precondition(index.count == rank, "Tensor: index \(index) has the wrong rank for shape \(shape)")
        var flat = 0
        for (axis, i) in index.enumerated() {
            precondition(i >= 0 && i < shape[axis], "Tensor: index \(index) out of bounds for shape \(shape)")
            flat = flat * shape[axis] + i
        }
        return flat
    }

    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try scalars.withUnsafeBufferPointer(body)
    }

    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        try scalars.withUnsafeMutableBufferPointer(body)
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let preview = scalars.prefix(8).map { String(format: "%.4g", $0) }.joined(separator: ", ")
        return "Tensor\(shape)[\(preview)\(count > 8 ? ", ..." : "")]"
    }
}

extension Tensor {
    /// A tensor whose every value `fill` writes into the uninitialised storage it is given.
    init(shape: [Int], filling fill: (UnsafeMutableRawPointer) throws -> Void) rethrows {
        let n = shape.reduce(1, *)
        let scalars = try [Float](unsafeUninitializedCapacity: n) { buffer, initialised in
            if let base = buffer.baseAddress { try fill(UnsafeMutableRawPointer(base)) }
            initialised = n
        }
        self.init(shape: shape, scalars: scalars)
    }
}
