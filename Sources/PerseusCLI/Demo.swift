import ArgumentParser
import Autodiff
import Foundation
import Tensor

/// An interim demo until the end-to-end job lands: a tiny CNN learns, with plain SGD, to tell compact round blobs
/// from rings and elongated streaks in generated noisy images. Every number it prints is measured.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a tiny CNN on generated two-class images and print its loss and accuracy.")

    @Option(help: "Seed for the images, the weights and the batch order.") var seed: UInt64 = 1
    @Option(help: "Passes over the training images.") var epochs = 15
    @Option(help: "Training images (held-out: half as many).") var images = 1024
    @Option(help: "Images per SGD step.") var batchSize = 32
    @Option(help: "Initial SGD learning rate (decays linearly to zero).") var learningRate: Float = 0.2
    @Option(help: "Threads for the engine (default: all cores).") var threads: Int?

    func validate() throws {
        guard epochs >= 1, images >= 2, batchSize >= 2 else {
            throw ValidationError("epochs >= 1, images >= 2 and batch-size >= 2 are needed")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        if let threads { Parallel.setThreadCount(threads) }
        let start = Date()
        var rng = SeededGenerator(seed: seed)
        let train = DemoImages(count: images, size: 24, rng: &rng)
        let heldOut = DemoImages(count: images / 2, size: 24, rng: &rng)
        let model = DemoCNN(rng: &rng)
        print("perseus demo: \(images) training and \(images / 2) held-out 24x24 images "
              + "(class 0: round blobs, class 1: rings and streaks), \(Parallel.threadCount) threads")
        print("epoch  mean loss  train acc")
        let steps = epochs * ((train.count + batchSize - 1) / batchSize)
        var step = 0
        for epoch in 1...epochs {
            var order = Array(0..<train.count)
            order.shuffle(using: &rng)
            var lossSum = 0.0, correct = 0, seen = 0
            for first in stride(from: 0, to: order.count, by: batchSize) {
                let batch = Array(order[first..<min(first + batchSize, order.count)])
                guard batch.count >= 2 else { continue }  // batch norm needs two images
                let (x, labels) = train.batch(batch)
                let logits = try model(Variable(x), training: true)
                let loss = try softmaxCrossEntropy(logits: logits, labels: labels)
                model.zeroGrad()
                try loss.backward()
                // Decaying to zero lets the batch-norm running averages catch up with the final weights, so
                // evaluation mode agrees with training mode.
                try model.sgdStep(learningRate: learningRate * (1 - Float(step) / Float(steps)))
                step += 1
                lossSum += Double(loss.value.scalars[0]) * Double(batch.count)
                correct += zip(argmax(logits.value), labels).filter { $0 == $1 }.count
                seen += batch.count
            }
            print(String(format: "%5d  %9.4f  %8.1f%%", epoch, lossSum / Double(seen), 100 * Double(correct) / Double(seen)))
        }
        let trainAccuracy = try model.accuracy(on: train), heldOutAccuracy = try model.accuracy(on: heldOut)
        print(String(format: "final (evaluation mode): training accuracy %.1f%%, held-out accuracy %.1f%%",
                     100 * trainAccuracy, 100 * heldOutAccuracy))
        print(String(format: "%.1f s", Date().timeIntervalSince(start)))
    }
}

private func argmax(_ logits: Tensor) -> [Int] {
    let k = logits.shape[1]
    return (0..<logits.shape[0]).map { i in (0..<k).max { logits.scalars[i * k + $0] < logits.scalars[i * k + $1] }! }
}

/// Generated single-channel images: class 0 a compact round Gaussian blob, class 1 a ring or an elongated streak,
/// each with random position jitter, size, brightness and Gaussian noise.
private struct DemoImages {
    let count: Int, size: Int
    var pixels: [Float]
    var labels: [Int]

    init(count: Int, size: Int, rng: inout SeededGenerator) {
        self.count = count
        self.size = size
        pixels = [Float](repeating: 0, count: count * size * size)
        labels = (0..<count).map { $0 % 2 }
        labels.shuffle(using: &rng)
        for i in 0..<count {
            let cx = Float(size) / 2 + (rng.nextUniform() - 0.5) * 4, cy = Float(size) / 2 + (rng.nextUniform() - 0.5) * 4
            let brightness = 0.6 + 0.6 * rng.nextUniform()
            let shape: (Float, Float) -> Float
            if labels[i] == 0 {
                let sigma = 1.8 + 1.7 * rng.nextUniform()
                shape = { dx, dy in exp(-(dx * dx + dy * dy) / (2 * sigma * sigma)) }
            } else if rng.nextUniform() < 0.5 {
                let radius = 4 + 3 * rng.nextUniform(), width: Float = 1.2
                shape = { dx, dy in
                    let r = (dx * dx + dy * dy).squareRoot() - radius
                    return exp(-r * r / (2 * width * width))
                }
            } else {
                let angle = Float.pi * rng.nextUniform(), long = 4 + 2 * rng.nextUniform(), short: Float = 1.2
                let (c, s) = (cos(angle), sin(angle))
                shape = { dx, dy in
                    let u = c * dx + s * dy, v = -s * dx + c * dy
                    return exp(-(u * u / (2 * long * long) + v * v / (2 * short * short)))
                }
            }
            for y in 0..<size {
                for x in 0..<size {
                    pixels[(i * size + y) * size + x] = brightness * shape(Float(x) - cx, Float(y) - cy)
                        + 0.2 * rng.nextNormal()
                }
            }
        }
    }

    func batch(_ indices: [Int]) -> (Tensor, [Int]) {
        let plane = size * size
        var values = [Float]()
        values.reserveCapacity(indices.count * plane)
        for i in indices { values.append(contentsOf: pixels[(i * plane)..<((i + 1) * plane)]) }
        return (Tensor(shape: [indices.count, 1, size, size], scalars: values), indices.map { labels[$0] })
    }
}

/// conv3x3(1->8)-BN-ReLU-maxpool -> conv3x3/2(8->16)-BN-ReLU -> conv3x3(16->16)-BN-ReLU -> GAP -> linear(16->2).
private final class DemoCNN {
    struct ConvBN {
        let weight, gamma, beta: Variable
        let running: RunningStatistics
        let stride: Int
        init(_ inC: Int, _ outC: Int, stride: Int, rng: inout SeededGenerator) {
            weight = Variable(.normal([outC, inC, 3, 3], std: (2 / Float(9 * inC)).squareRoot(), using: &rng),
                              requiresGrad: true)
            gamma = Variable(.ones([outC]), requiresGrad: true)
            beta = Variable(.zeros([outC]), requiresGrad: true)
            running = RunningStatistics(channels: outC)
            self.stride = stride
        }
        func callAsFunction(_ x: Variable, training: Bool) throws -> Variable {
            let h = try conv2d(x, weight: weight, stride: stride, padding: 1)
            return relu(try batchNorm(h, weight: gamma, bias: beta, running: running, training: training))
        }
    }

    let block1, block2, block3: ConvBN
    let fcWeight, fcBias: Variable
    var parameters: [Variable] {
        [block1, block2, block3].flatMap { [$0.weight, $0.gamma, $0.beta] } + [fcWeight, fcBias]
    }

    init(rng: inout SeededGenerator) {
        block1 = ConvBN(1, 8, stride: 1, rng: &rng)
        block2 = ConvBN(8, 16, stride: 2, rng: &rng)
        block3 = ConvBN(16, 16, stride: 1, rng: &rng)
        fcWeight = Variable(.normal([2, 16], std: 0.25, using: &rng), requiresGrad: true)
        fcBias = Variable(.zeros([2]), requiresGrad: true)
    }

    func callAsFunction(_ x: Variable, training: Bool) throws -> Variable {
        var h = try block1(x, training: training)
        h = try maxPool2d(h, kernel: 3, stride: 2, padding: 1)
        h = try block3(try block2(h, training: training), training: training)
        return try linear(try globalAveragePool(h), weight: fcWeight, bias: fcBias)
    }

    func zeroGrad() { for p in parameters { p.zeroGrad() } }

    func sgdStep(learningRate: Float) throws {
        for p in parameters { if let g = p.grad { p.value = try p.value.adding(g.scaled(by: -learningRate)) } }
    }

    func accuracy(on data: DemoImages) throws -> Double {
        var correct = 0
        for first in stride(from: 0, to: data.count, by: 128) {
            let (x, labels) = data.batch(Array(first..<min(first + 128, data.count)))
            let logits = try withNoGrad { try self(Variable(x), training: false) }
            correct += zip(argmax(logits.value), labels).filter { $0 == $1 }.count
        }
        return Double(correct) / Double(data.count)
    }
}
