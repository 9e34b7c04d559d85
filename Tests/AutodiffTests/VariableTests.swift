import Testing
import Tensor
@testable import Autodiff
import SeededRandom

@Suite struct VariableTests {
    @Test func addGradientMatchesFiniteDifferences() throws {
        var rng = SeededGenerator(seed: 1)
        let a = Tensor.normal([2, 3], using: &rng), b = Tensor.normal([2, 3], using: &rng)
        let result = try gradientCheck([a, b]) { v in try v[0] + v[1] }
        #expect(result.maxError < 1e-3, "\(result)")
    }

    @Test func gradientsAccumulateAcrossUsesAndUntilZeroed() throws {
        let x = Variable(Tensor(shape: [2], scalars: [1, 2]), requiresGrad: true)
        let y = try x + x          // dy/dx = 2
        try (try y + x).backward()  // d/dx = 3
        #expect(x.grad?.scalars == [3, 3])
        try (try x + x).backward()
        #expect(x.grad?.scalars == [5, 5])
        x.zeroGrad()
        #expect(x.grad == nil)
    }

    @Test func noGradRecordsNothing() throws {
        let x = Variable(Tensor(shape: [1], scalars: [1]), requiresGrad: true)
        let y = try withNoGrad { try x + x }
        #expect(!y.requiresGrad && y.isLeaf)
    }

    @Test func badShapesNameTheOperation() {
        let a = Variable(Tensor.zeros([2, 3])), b = Variable(Tensor.zeros([3, 2]))
        #expect { try a + b } throws: { error in
            "\(error)".contains("add") && "\(error)".contains("[2, 3]")
        }
    }

    /// backward() releases what the graph saved (as PyTorch does without retain_graph): the weights a convolution
    /// captured are no longer shared, so an optimizer updates them in place, not in a copy, while the output lives;
    /// a second backward() through the released graph is refused.
    @Test(arguments: [true, false]) func backwardReleasesTheGraph(_ blocked: Bool) throws {
        try EngineOptions.$blockedLayouts.withValue(blocked) {
            var rng = SeededGenerator(seed: 2)
            let x = Variable(Tensor.normal([1, 2, 5, 5], using: &rng))
            let w = Variable(Tensor.normal([3, 2, 3, 3], using: &rng), requiresGrad: true)
            let y = try conv2d(x, weight: w, padding: 1)
            try y.backward()
            #expect(w.grad?.shape == [3, 2, 3, 3])
            let before = w.value.withUnsafeBufferPointer { $0.baseAddress }
            let during = w.value.withUnsafeMutableBufferPointer { w in
                w[0] += 1
                return UnsafePointer(w.baseAddress)
            }
            #expect(before == during, "updating the weight copied it: the graph still holds it")
            #expect(y.shape == [1, 3, 5, 5])
            #expect { try y.backward() } throws: { "\($0)".contains("released") }
        }
    }
}
