import Foundation
import NN
import Tensor
import Testing
@testable import Training

/// The moving average of the weights (`emaDecay`): its arithmetic, the swap in and out of the live network, and a run
/// that keeps one: checkpoints hold the average, and a resume continues it exactly.
struct WeightAverageTests {
    @Test func theAverageFollowsTheLiveWeightsWithTheRampedDecay() throws {
        let layer = BatchNorm2d(channels: 2)
        var average = WeightAverage(of: layer, decay: 0.9)
        layer.weight.value = Tensor(shape: [2], scalars: [3, 5])
        average.update(from: layer, step: 1)
        let d = average.weight(afterStep: 1)
        #expect(d == Float(2) / 11, "the ramp, not the decay, early on")
        #expect(average.weight(afterStep: 1000) == 0.9)
        guard case let .float32(mean)? = average.state["weight"] else { Issue.record("no averaged weight"); return }
        #expect(mean.scalars == [d * 1 + (1 - d) * 3, d * 1 + (1 - d) * 5])

        let seen = try average.applied(to: layer) { layer.weight.value.scalars }
        #expect(seen == mean.scalars, "the body sees the average")
        #expect(layer.weight.value.scalars == [3, 5], "the live weights come back")
    }

    @Test func aRunSavesTheAverageAndResumesItExactly() throws {
        let root = try TinyRun.folder("ema")
        defer { try? FileManager.default.removeItem(at: root) }
        let dataset = try TinyRun.dataset(in: root, count: 12)
        var configuration = TinyRun.configuration()
        configuration.emaDecay = 0.9
        let (straight, resumed) = try TinyRun.straightAndResumed(configuration, on: dataset, in: root)
        #expect(try TinyRun.tensorBytes(resumed.resumeState) == TinyRun.tensorBytes(straight.resumeState))
        #expect(try TinyRun.tensorBytes(resumed.lastCheckpoint) == TinyRun.tensorBytes(straight.lastCheckpoint))

        // The last checkpoint is the average kept in the resume file, not the live weights beside it.
        let resume = try SafeTensors(contentsOf: straight.resumeState).tensors
        let last = try SafeTensors(contentsOf: straight.lastCheckpoint).tensors
        let weight = "fc.weight"
        #expect(last[weight] != nil && last[weight] == resume["average." + weight])
        #expect(last[weight] != resume["model." + weight])
    }
}
