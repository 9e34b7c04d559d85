import Astro
import Dataset
import Foundation
import NN
import Tensor

/// Embeddings on disk, with what is known of each object (its cutout, label, catalogue class and anomaly score).
/// `FILE.npy`: the features, float32 [N, D]; beside it `FILE.pca.npy` (float32 [N, 40], the principal components)
/// and `FILE.csv` (row, id, image, label, class, anomaly). `FILE.fits`: one binary table holding all of them (the
/// features as columns f_0 ... f_{D-1}, the components as pc_1 ... pc_40).
public struct EmbeddingTable: Sendable {
    public var embeddings: Embeddings
    public var images: [String]
    /// Class names, when the objects came labelled (a prepared dataset); else empty strings.
    public var labels: [String]
    /// The catalogue's own class of each object (the PCC's morphological class), or empty.
    public var classes: [String]
    public var anomaly: [Double]
    /// k of the anomaly score (the distance to the k-th nearest neighbour).
    public var anomalyNeighbour: Int

    public init(embeddings: Embeddings, objects: [PreparedObject], classNames: [String]?, anomalyNeighbour k: Int) throws {
        self.embeddings = embeddings
        images = objects.map(\.image.path)
        labels = objects.map { object in classNames.map { $0.indices.contains(object.label) ? $0[object.label] : "" } ?? "" }
        classes = objects.map { $0.objectClass ?? "" }
        anomalyNeighbour = k
        anomaly = try embeddings.anomalyScores(k: k)
    }

    var anomalyColumn: String { "anomaly_k\(anomalyNeighbour)" }

    static func companion(_ url: URL, _ suffix: String) -> URL {
        url.deletingPathExtension().appendingPathExtension(suffix)
    }

    /// The files written for `url` (what `write` makes).
    public static func files(for url: URL) -> [URL] {
        TableFormat(url) == .fits ? [url] : [url, companion(url, "pca.npy"), companion(url, "csv")]
    }

    private func describing(_ extra: [OutputTable.Column]) throws -> OutputTable {
        try OutputTable([
            .init("row", .int64(ids.indices.map { Int64($0) })),
            .init("id", .text(ids)),
            .init("image", .text(images)),
            .init("label", .text(labels)),
            .init("class", .text(classes)),
            .init(anomalyColumn, .double(anomaly), decimals: 6),
        ] + extra)
    }

    var ids: [String] { embeddings.ids }

    public func write(to url: URL) throws {
        if TableFormat(url) == .fits {
            let (n, d, m) = (ids.count, embeddings.features.shape[1], embeddings.components.shape[1])
            let pcs = (0..<m).map { c in OutputTable.Column("pc_\(c + 1)", .double((0..<n).map { Double(embeddings.components.scalars[$0 * m + c]) })) }
            let features = (0..<d).map { j in OutputTable.Column("f_\(j)", .double((0..<n).map { Double(embeddings.features.scalars[$0 * d + j]) })) }
            try describing(pcs + features).write(to: url)
        } else {
            try NumPyArray.write(embeddings.features, to: url)
            try NumPyArray.write(embeddings.components, to: Self.companion(url, "pca.npy"))
            try describing([]).write(to: Self.companion(url, "csv"))
        }
    }

    /// Reads what `write` wrote.
    public static func read(_ url: URL) throws -> (table: CatalogTable, features: Tensor) {
        func missing(_ what: String) -> ConfigurationError {
            ConfigurationError(message: "\(url.path): \(what); give --embeddings a file `perseus embed` wrote")
        }
        if TableFormat(url) == .fits {
            let table = try CatalogTable.readFITS(url)
            let featureColumns = table.columns.indices.filter { table.columns[$0].hasPrefix("f_") }
            guard !featureColumns.isEmpty else { throw missing("no feature columns f_0 ...") }
            let scalars = try table.rows.flatMap { row in
                try featureColumns.map { c -> Float in
                    guard let value = row.cells[c].flatMap(Float.init) else { throw missing("row \(row.line) has no number in \(table.columns[c])") }
                    return value
                }
            }
            return (table, Tensor(shape: [table.rows.count, featureColumns.count], scalars: scalars))
        }
        let csv = companion(url, "csv")
        guard FileManager.default.fileExists(atPath: csv.path) else { throw missing("no \(csv.lastPathComponent) beside it (ids and images)") }
        let table = try CatalogTable.readCSV(csv)
        let features = try NumPyArray.read(contentsOf: url)
        guard features.shape.count == 2, features.shape[0] == table.rows.count else {
            throw missing("its features \(features.shape) do not match the \(table.rows.count) rows of \(csv.lastPathComponent)")
        }
        return (table, features)
    }
}
