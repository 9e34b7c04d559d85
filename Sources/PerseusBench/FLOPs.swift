import NN

/// Work per image as PyTorch's `FlopCounterMode` counts it in `torch_resnet_bench.py`: convolutions and the linear
/// layer only, a multiply-add counted as 2. The training step adds, per convolution, the weight gradient and (except
/// for the stem, whose input needs no gradient) the input gradient, each costing one forward pass of that layer.
struct ResNetWork {
    var forward: Double = 0
    var trainingStep: Double = 0

    init(_ architecture: ResNetArchitecture, inputChannels: Int = 3, size: Int, classes: Int = 2) {
        var (channels, h) = (inputChannels, size)
        func conv(_ out: Int, kernel: Int, stride: Int, padding: Int, input: Int, needsInputGradient: Bool = true) -> Int {
            let ho = (input + 2 * padding - kernel) / stride + 1
            let f = 2 * Double(out * ho * ho) * Double(channels * kernel * kernel)
            forward += f
            trainingStep += f * (needsInputGradient ? 3 : 2)
            return ho
        }
        h = conv(64, kernel: 7, stride: 2, padding: 3, input: h, needsInputGradient: false)
        channels = 64
        h = (h + 2 - 3) / 2 + 1  // max pooling
        let expansion = architecture.block.expansion
        for (stage, blocks) in architecture.layers.enumerated() {
            let planes = 64 << stage
            for b in 0..<blocks {
                let stride = stage > 0 && b == 0 ? 2 : 1
                let blockInput = h, blockChannels = channels
                switch architecture.block {
                case .basic:
                    h = conv(planes, kernel: 3, stride: stride, padding: 1, input: h)
                    channels = planes
                    h = conv(planes, kernel: 3, stride: 1, padding: 1, input: h)
                case .bottleneck:
                    h = conv(planes, kernel: 1, stride: 1, padding: 0, input: h)
                    channels = planes
                    h = conv(planes, kernel: 3, stride: stride, padding: 1, input: h)
                    h = conv(planes * 4, kernel: 1, stride: 1, padding: 0, input: h)
                }
                if stride != 1 || blockChannels != planes * expansion {
                    let saved = channels
                    channels = blockChannels
                    _ = conv(planes * expansion, kernel: 1, stride: stride, padding: 0, input: blockInput)
                    channels = saved
                }
                channels = planes * expansion
            }
        }
        let fc = 2 * Double(channels * classes)
        forward += fc
        trainingStep += 3 * fc
    }
}
