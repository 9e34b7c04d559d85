import Foundation
import Testing
import Autodiff
import Tensor
@testable import NN

@Suite struct ScheduleTests {
    func close(_ a: Float, _ b: Double) -> Bool { abs(Double(a) - b) <= 1e-6 * max(1, abs(b)) }

    @Test func exponentialDecay() {
        let smooth = ExponentialDecay(initial: 0.08, rate: 0.9, decaySteps: 100)
        #expect(close(smooth.learningRate(atStep: 0), 0.08))
        #expect(close(smooth.learningRate(atStep: 50), 0.08 * 0.9.squareRoot()))   // 0.0758946
        #expect(close(smooth.learningRate(atStep: 200), 0.08 * 0.81))
        let stairs = ExponentialDecay(initial: 0.08, rate: 0.9, decaySteps: 100, staircase: true)
        #expect(close(stairs.learningRate(atStep: 99), 0.08))
        #expect(close(stairs.learningRate(atStep: 100), 0.072))
        #expect(close(stairs.learningRate(atStep: 250), 0.0648))
    }

    @Test func stepDecay() {
        let s = StepDecay(initial: 0.1, factor: 0.5, stepSize: 10)
        #expect(close(s.learningRate(atStep: 9), 0.1))
        #expect(close(s.learningRate(atStep: 10), 0.05))
        #expect(close(s.learningRate(atStep: 35), 0.0125))
    }

    @Test func cosineWithWarmup() {
        let s = CosineDecayWithWarmup(peak: 1, warmupSteps: 10, totalSteps: 110, minimum: 0.1)
        #expect(close(s.learningRate(atStep: 0), 0))
        #expect(close(s.learningRate(atStep: 5), 0.5))
        #expect(close(s.learningRate(atStep: 10), 1))
        #expect(close(s.learningRate(atStep: 60), 0.55))                        // half-way: (1 + 0.1) / 2
        #expect(close(s.learningRate(atStep: 35), 0.1 + 0.9 * (1 + 0.5.squareRoot()) / 2))  // cos(pi/4)
        #expect(close(s.learningRate(atStep: 110), 0.1))
        #expect(close(s.learningRate(atStep: 500), 0.1))
    }

    @Test func clippingScalesAllGradientsTogether() {
        let a = Variable(Tensor.zeros([2]), requiresGrad: true), b = Variable(Tensor.zeros([1]), requiresGrad: true)
        let c = Variable(Tensor.zeros([1]), requiresGrad: true)    // no gradient: ignored
        a.grad = Tensor(shape: [2], scalars: [3, 4])
        b.grad = Tensor(shape: [1], scalars: [12])
        let norm = clipGradientNorm([a, b, c], maxNorm: 6.5)       // norm sqrt(9 + 16 + 144) = 13: halve
        #expect(norm == 13)
        #expect(abs(a.grad!.scalars[0] - 1.5) < 1e-6 && abs(a.grad!.scalars[1] - 2) < 1e-6)
        #expect(abs(b.grad!.scalars[0] - 6) < 1e-6)
        #expect(c.grad == nil)
        let untouched = clipGradientNorm([a, b], maxNorm: 100)
        #expect(abs(untouched - 6.5) < 1e-5)
        #expect(abs(b.grad!.scalars[0] - 6) < 1e-6)
    }
}
