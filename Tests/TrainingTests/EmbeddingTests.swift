import Dataset
import Files
import Foundation
import NN
import SeededRandom
import Tensor
import Testing
@testable import Runs
@testable import Training

/// `perseus embed` and `perseus similar`: the features are the classifier's input, the principal components recover
/// a known structure, neighbours and anomaly scores follow cosine similarity, and the files read back.
@Suite struct EmbeddingTests {
    /// Points spread along three orthogonal directions with standard deviations 3, 2 and 1 (plus a little noise) in
    /// 6 dimensions: the components find those variances, largest first, with uncorrelated scores.
    @Test func principalComponentsRecoverAKnownStructure() {
        var rng = SeededGenerator(seed: 3)
        let (n, d) = (2000, 6)
        let raw: [[Float]] = [[1, 1, 0, 0, 0, 0], [0, 0, 1, -1, 0, 0], [1, -1, 0, 0, 1, 1]]
        let directions: [[Float]] = raw.map { v in
            let norm = v.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
            return v.map { $0 / norm }
        }
        func gaussian() -> Float { Float((-2 * log(max(rng.nextUniform(), 1e-12))).squareRoot() * cos(2 * .pi * rng.nextUniform())) }
        var scalars: [Float] = []
        for _ in 0..<n {
            let a = [3 * gaussian(), 2 * gaussian(), 1 * gaussian()]
            scalars += (0..<d).map { j in 5 + (0..<3).reduce(0) { $0 + a[$1] * directions[$1][j] } + 0.01 * gaussian() }
        }
        let (scores, variance) = principalComponents(Tensor(shape: [n, d], scalars: scalars), count: 40)
        #expect(scores.shape == [n, 6] && variance.count == 6)
        for (found, expected) in zip(variance.prefix(3), [9.0, 4.0, 1.0]) {
            #expect(abs(found - expected) / expected < 0.1, "variance \(found), expected about \(expected)")
        }
        #expect(variance[3] < 0.001 && variance == variance.sorted(by: >))
        // The scores' own variances are the explained variances, and the first two are uncorrelated.
        let m = scores.shape[1]
        func column(_ c: Int) -> [Double] { (0..<n).map { Double(scores.scalars[$0 * m + c]) } }
        let (s0, s1) = (column(0), column(1))
        let var0 = s0.reduce(0) { $0 + $1 * $1 } / Double(n - 1)
        #expect(abs(var0 - variance[0]) / variance[0] < 1e-3)
        #expect(abs(zip(s0, s1).reduce(0) { $0 + $1.0 * $1.1 } / Double(n - 1)) < 1e-2)
    }

    /// Two tight groups and one object far from both: neighbours come from the query's own group, the lone object
    /// has the largest anomaly score, and precision at k counts the neighbours that share the group.
    @Test func neighboursAnomaliesAndPrecision() throws {
        let rows: [[Float]] = [[1, 0.1, 0], [1, 0.2, 0], [1, 0, 0.1], [0, 1, 0.1], [0.1, 1, 0], [0, 1, 0.2], [0, 0, 1]]
        let found = try Embeddings(ids: (0..<7).map { "o\($0)" }, features: Tensor(shape: [7, 3], scalars: rows.flatMap { $0 }))
        #expect(Set(found.neighbours(of: 0, k: 2).map(\.index)) == [1, 2])
        #expect(found.neighbours(of: 0, k: 2).first!.similarity > found.neighbours(of: 0, k: 3).last!.similarity)
        let anomaly = try found.anomalyScores(k: 2)
        #expect(anomaly.indices.max { anomaly[$0] < anomaly[$1] } == 6)
        let groupA = [true, true, true, false, false, false, false]
        #expect(try found.precision(at: 2, relevant: groupA) == 1)
        #expect(abs(try found.precision(at: 3, relevant: groupA)! - 2.0 / 3.0) < 1e-12)
        #expect(try found.precision(at: 2, relevant: Array(repeating: false, count: 7)) == nil)
    }

    /// From a trained run: the features are exactly what the classifier head takes (fc of them gives the network's
    /// logits), and the .npy and .fits files read back to the same features.
    @Test func featuresAreTheHeadsInputAndReadBack() throws {
        let work = try TinyRun.folder("embed")
        defer { try? FileManager.default.removeItem(at: work) }
        let dataset = try TinyRun.dataset(in: work)
        let configuration = TinyRun.configuration(epochs: 1)
        let run = try TinyRun.trainedRun(configuration, on: dataset, in: work)
        let trained = try TrainedModel.load(run: run)
        let objects = dataset.objects
        let found = try Embeddings(trained, objects: objects, batchSize: 5)
        #expect(found.ids == objects.map(\.id) && found.features.shape == [objects.count, 512])
        let network = try #require(trained.model as? ResNet)
        let logits = try linearForward(found.features, weight: network.fc.weight.value, bias: network.fc.bias?.value)
        let predicted = try predict(trained.model, on: SampleSet(objects: objects, preprocessing: trained.preprocessing),
                                    preprocessing: trained.preprocessing)
        for i in objects.indices {
            for c in 0..<2 { #expect(abs(Double(logits[i, c]) - predicted.logits[i][c]) < 1e-3) }
        }
        let table = try EmbeddingTable(embeddings: found, objects: objects, classNames: dataset.classNames, anomalyNeighbour: 3)
        for name in ["e.npy", "e.fits"] {
            let url = work.appendingPathComponent(name)
            try table.write(to: url)
            let (read, features) = try EmbeddingTable.read(url)
            #expect(read.rows.count == objects.count && read.columns.contains("anomaly_k3"))
            #expect(read.rows.map { $0.cells[read.columnIndex("label")!] } == objects.map { dataset.classNames[$0.label] })
            for (a, b) in zip(features.scalars, found.features.scalars) { #expect(abs(a - b) <= 1e-6 * max(1, abs(b)), "\(name)") }
        }
        #expect(try NumPyArray.read(contentsOf: work.appendingPathComponent("e.pca.npy")).shape == [objects.count, min(40, objects.count)])
    }
}
