import ArgumentParser
import Astro
import Foundation
import Imaging
import Report
import Runs
import Tensor

/// `perseus similar`: nearest neighbours by cosine in embeddings `perseus embed` wrote, as a table and an HTML
/// gallery; or, over labelled embeddings, how often the neighbours share a class (precision at k).
struct Similar: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find the objects most like one (cosine similarity of `perseus embed`'s features), with an HTML gallery.",
        discussion: """
            --to ID prints the K nearest neighbours (rank, id, similarity, label, class, anomaly score) and with --out \
            writes a self-contained HTML gallery of their cutouts. --relevant TEXT instead measures precision at K: \
            for every object whose class (or, without one, label) contains TEXT, the fraction of its K nearest \
            neighbours that are such objects too, averaged; beside it the fraction among all objects (what random \
            neighbours would give). Example: --relevant "dE/ETGcluster candidate" for the PCC's dE candidates.
            """)

    @Option(help: "Embeddings from `perseus embed` (FILE.npy with its FILE.csv, or FILE.fits).") var embeddings: String
    @Option(help: "The object whose neighbours to find (its id).") var to: String?
    @Option(name: .customLong("k"), help: "How many neighbours.") var k: Int = 20
    @Option(help: "With --to: write an HTML gallery of the object and its neighbours here.") var out: String?
    @Option(help: "Instead of --to: precision at K for the objects whose class (else label) contains this text.") var relevant: String?

    func validate() throws {
        guard (to == nil) != (relevant == nil) else { throw ValidationError("give exactly one of --to ID or --relevant TEXT") }
        guard k >= 1 else { throw ValidationError("--k must be at least 1") }
        if out != nil, to == nil { throw ValidationError("--out (the gallery) goes with --to") }
    }

    func run() throws {
        let url = URL(fileURLWithPath: embeddings)
        let (table, features) = try EmbeddingTable.read(url)
        func column(_ name: String) -> [String] {
            guard let c = table.columnIndex(name) else { return table.rows.map { _ in "" } }
            return table.rows.map { $0.cells[c] ?? "" }
        }
        let ids = column("id"), labels = column("label"), classes = column("class"), images = column("image")
        let anomalyName = table.columns.first { $0.hasPrefix("anomaly_k") } ?? "anomaly"
        let anomaly = column(anomalyName)
        let found = try Embeddings(ids: ids, features: features)

        if let relevant {
            let marked = ids.indices.map { (classes[$0].isEmpty ? labels[$0] : classes[$0]).contains(relevant) }
            guard let precision = try found.precision(at: k, relevant: marked) else {
                throw ValidationError("no object's class or label contains '\(relevant)'; the classes are: \(Set(classes + labels).filter { !$0.isEmpty }.sorted().joined(separator: "; "))")
            }
            let count = marked.filter { $0 }.count
            print(String(format: "precision at %d for the %d objects whose class contains '%@': %.3f (among all %d objects: %.3f)",
                         k, count, relevant, precision, ids.count, Double(count) / Double(ids.count)))
            return
        }
        guard let index = ids.firstIndex(of: to!) else {
            throw ValidationError("\(to!) is not among the \(ids.count) objects of \(embeddings) (ids such as \(ids.prefix(3).joined(separator: ", ")))")
        }
        let nearest = found.neighbours(of: index, k: k)
        func described(_ i: Int) -> String { [labels[i], classes[i]].filter { !$0.isEmpty }.joined(separator: ", ") }
        print("\(ids[index]) (\(described(index))), \(anomalyName) \(anomaly[index]); its \(nearest.count) nearest neighbours by cosine:")
        print("rank,id,similarity,label,class,\(anomalyName)")
        for (rank, n) in nearest.enumerated() {
            print("\(rank + 1),\(ids[n.index]),\(String(format: "%.4f", n.similarity)),\(labels[n.index]),\"\(classes[n.index])\",\(anomaly[n.index])")
        }
        guard let out else { return }
        var items: [GalleryItem] = []
        for (i, similarity) in [(index, 1.0)] + nearest.map({ ($0.index, $0.similarity) }) {
            let image: Image
            do { image = try Image(contentsOf: URL(fileURLWithPath: images[i])) } catch {
                throw ValidationError("cannot show \(ids[i]): its cutout \(images[i]) does not read (\(error)); the gallery needs the cutouts where `perseus embed` found them")
            }
            items.append(GalleryItem(image: image, title: ids[i],
                                     caption: (i == index ? "the query" : String(format: "cosine %.3f", similarity)) + "\n" + described(i),
                                     frame: i == index ? RGBColor(red: 0.85, green: 0.1, blue: 0.1) : nil))
        }
        var report = HTMLReport(title: "Objects like \(ids[index])", subtitle: "\(nearest.count) nearest neighbours by cosine similarity of the features in \(url.lastPathComponent)")
        report.addFigure("Nearest neighbours", cutoutGallery(items, columns: 5, tileSize: 150, title: "\(ids[index]) and its nearest neighbours"),
                         caption: "Red frame: the query. Each caption: the cosine similarity, then the label and catalogue class.", format: .png)
        try report.write(to: URL(fileURLWithPath: out))
        print("wrote \(out)")
    }
}
