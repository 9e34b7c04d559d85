import Testing
@testable import Tensor

@Suite struct ConvolutionKernelTests {
    struct Case: CustomStringConvertible, Sendable {
        var input: [Int], weight: [Int], stride: Int, padding: Int, bias: Bool
        var description: String { "\(input) * \(weight) s\(stride) p\(padding)\(bias ? " +bias" : "")" }
    }

    // The ResNet shapes in miniature (7x7/2 p3, 3x3/1 p1, 3x3/2 p1, 1x1/2), odd and even sizes, non-square.
    static let cases: [Case] = [
        Case(input: [2, 3, 9, 8], weight: [4, 3, 3, 3], stride: 1, padding: 1, bias: true),
        Case(input: [2, 4, 10, 10], weight: [5, 4, 3, 3], stride: 2, padding: 1, bias: false),
        Case(input: [2, 4, 9, 9], weight: [6, 4, 3, 3], stride: 2, padding: 1, bias: true),
        Case(input: [1, 3, 13, 11], weight: [6, 3, 7, 7], stride: 2, padding: 3, bias: false),
        Case(input: [2, 8, 7, 6], weight: [16, 8, 1, 1], stride: 2, padding: 0, bias: false),
        Case(input: [3, 2, 5, 6], weight: [3, 2, 2, 3], stride: 3, padding: 0, bias: true),
        Case(input: [2, 16, 6, 6], weight: [32, 16, 3, 3], stride: 1, padding: 1, bias: true),
    ]

    @Test(arguments: cases) func matchesNaiveLoopsForwardAndBackward(_ c: Case) throws {
        let x = randomTensor(c.input, seed: 1), w = randomTensor(c.weight, seed: 2)
        let b = c.bias ? randomTensor([c.weight[0]], seed: 3) : nil
        let y = try conv2dForward(x, weight: w, bias: b, stride: c.stride, padding: c.padding)
        let expected = Reference.conv2d(x, w, b, stride: c.stride, padding: c.padding)
        #expect(y.shape == expected.shape)
        #expect(maxRelativeDifference(y, expected) < 1e-5, "forward \(c)")

        let dy = randomTensor(y.shape, seed: 4)
        let reference = Reference.conv2dBackward(dy, x, w, stride: c.stride, padding: c.padding)
        let dx = try conv2dBackwardData(dy, weight: w, inputShape: x.shape, stride: c.stride, padding: c.padding)
        #expect(maxRelativeDifference(dx, reference.input) < 1e-5, "backward data \(c)")
        let (dw, db) = try conv2dBackwardWeights(dy, input: x, weightShape: w.shape, withBias: c.bias,
                                                 stride: c.stride, padding: c.padding)
        #expect(maxRelativeDifference(dw, reference.weight) < 1e-5, "backward weights \(c)")
        if c.bias {
            let db = try #require(db)
            #expect(maxRelativeDifference(db, reference.bias) < 1e-5, "backward bias \(c)")
        } else {
            #expect(db == nil)
        }
    }

    @Test func repeatedShapesReuseTheirPrimitives() throws {
        // A shape no other test uses (tests run concurrently).
        let x = randomTensor([2, 3, 12, 13], seed: 5), w = randomTensor([4, 3, 3, 3], seed: 6)
        let g = try Conv2DGeometry(input: x.shape, weight: w.shape, stride: 1, padding: 1)
        let dnnl = try DNNL.shared()
        let first = try conv2dForward(x, weight: w, bias: nil, stride: 1, padding: 1)
        _ = try conv2dBackwardData(first, weight: w, inputShape: x.shape, stride: 1, padding: 1)
        _ = try conv2dBackwardWeights(first, input: x, weightShape: w.shape, withBias: false, stride: 1, padding: 1)
        let plans = dnnl.cachedPlanCount(for: g)
        #expect(plans == 3)
        for _ in 0..<3 {
            let again = try conv2dForward(x, weight: w, bias: nil, stride: 1, padding: 1)
            #expect(again == first)
            _ = try conv2dBackwardData(again, weight: w, inputShape: x.shape, stride: 1, padding: 1)
            _ = try conv2dBackwardWeights(again, input: x, weightShape: w.shape, withBias: false, stride: 1, padding: 1)
        }
        #expect(dnnl.cachedPlanCount(for: g) == plans)
    }

    @Test func badShapesNameTheOperationAndShapes() {
        let x = Tensor.zeros([2, 3, 8, 8])
        #expect { try conv2dForward(x, weight: .zeros([4, 5, 3, 3]), bias: nil, stride: 1, padding: 1) } throws: {
            "\($0)".contains("conv2d") && "\($0)".contains("[2, 3, 8, 8]") && "\($0)".contains("[4, 5, 3, 3]")
        }
        #expect { try conv2dForward(.zeros([0, 3, 8, 8]), weight: .zeros([4, 3, 3, 3]), bias: nil, stride: 1, padding: 0) }
            throws: { "\($0)".contains("conv2d") && "\($0)".contains("empty batch") }
        #expect { try conv2dForward(x, weight: .zeros([4, 3, 11, 11]), bias: nil, stride: 1, padding: 1) } throws: {
            "\($0)".contains("conv2d") && "\($0)".contains("kernel larger")
        }
        #expect { try conv2dForward(x, weight: .zeros([4, 3, 3, 3]), bias: .zeros([3]), stride: 1, padding: 1) }
            throws: { "\($0)".contains("conv2d") && "\($0)".contains("bias [3]") }
        #expect { try conv2dForward(.zeros([3, 8, 8]), weight: .zeros([4, 3, 3, 3]), bias: nil, stride: 1, padding: 1) }
            throws: { "\($0)".contains("conv2d") && "\($0)".contains("[3, 8, 8]") }
    }
}
