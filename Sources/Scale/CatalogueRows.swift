import Astro
import Foundation

/// A catalogue's rows for one shard, streamed from the file: rows of other shards, and rows before `firstRow`
/// (already done by an earlier run), are counted but never typed, and rows are typed a few hundred at a time, so
/// memory does not depend on the catalogue's length.
public final class CatalogueRows: PredictionRowSource {
    public let stream: CatalogRowStream
    public let shard: Shard
    private let images: ImageLookup
    private let imageColumn: Int?
    private var nextRow: Int
    private var ready: [PredictionRow] = []
    private var readyPosition = 0
    private let chunk: Int
    private let parameters: [String]

    /// - Parameters:
    ///   - images: folder of cutouts.
    ///   - imageColumn: a column holding each row's cutout file, relative to `images`; without it the cutout is
    ///     `<id>.<ext>` (or `<objID>.<ext>`) in `images`.
    ///   - firstRow: skip the rows before this one.
    ///   - parameters: catalogue columns to read as numbers for a catalogue model (absent ones stay missing).
    public init(catalog: URL, images: URL, imageColumn: String? = nil, shard: Shard, firstRow: Int = 0,
                parameters: [String] = [], chunk: Int = 256) throws {
        stream = try CatalogRowStream(url: catalog)
        self.parameters = parameters
        self.shard = shard
        self.images = ImageLookup(folder: images)
        nextRow = firstRow
        self.chunk = chunk
        if let imageColumn {
            let table = CatalogTable(source: stream.source, columns: stream.columns, rows: [])
            guard let i = table.columnIndex(imageColumn) else {
                throw ShardError("\(catalog.path): no column '\(imageColumn)' for --image-column; the table has: "
                                 + stream.columns.joined(separator: ", "))
            }
            self.imageColumn = i
        } else {
            self.imageColumn = nil
        }
    }

    public var rowsRead: Int { stream.rowsRead }

    public func next() throws -> PredictionRow? {
        if readyPosition == ready.count {
            try fill()
            if ready.isEmpty { return nil }
        }
        defer { readyPosition += 1 }
        return ready[readyPosition]
    }

    private func fill() throws {
        ready.removeAll(keepingCapacity: true)
        readyPosition = 0
        var rows: [StreamedRow] = []
        while rows.count < chunk {
            let index = stream.rowsRead
            if index < nextRow || !shard.owns(row: index) {
                guard try stream.skip() else { break }
            } else {
                guard let row = try stream.next() else { break }
                rows.append(row)
            }
        }
        guard !rows.isEmpty else { return }
        nextRow = rows.last!.index + 1
        for (row, typed) in zip(rows, Catalog.objects(rows, of: stream)) {
            switch typed {
            case .failure(let error):
                ready.append(PredictionRow(row: row.index, id: idGuess(row), image: nil, problem: .badRow(error.description)))
            case .success(let object):
                var url: URL?
                if let imageColumn {
                    url = row.cells[imageColumn].flatMap { images.file(relativePath: $0) }
                } else {
                    url = images.file(stem: object.id) ?? object.objID.flatMap { images.file(stem: String($0)) }
                }
                let problem: RowProblem? = url == nil ? .noImage("no cutout for '\(object.id)' in \(images.folder.path)") : nil
                ready.append(PredictionRow(row: row.index, id: object.id, ra: object.ra, dec: object.dec, image: url,
                                           problem: problem, magnitude: object.magnitude,
                                           parameters: parameters.reduce(into: [:]) { out, name in
                                               if let v = object.extraNumber(name), v.isFinite { out[name] = v }
                                           }))
            }
        }
    }

    /// The id cell of a row that could not be typed, if it has one, for the output.
    private func idGuess(_ row: StreamedRow) -> String {
        guard let column = stream.mapping.id, !row.cells.isEmpty else { return "" }
        let table = CatalogTable(source: stream.source, columns: stream.columns, rows: [])
        return table.columnIndex(column).flatMap { row.cells[$0] } ?? ""
    }
}

/// Finds cutouts by name without listing the folder (a survey's folder may hold millions of files): one `stat`
/// per extension tried.
public struct ImageLookup: Sendable {
    public let folder: URL
    public static let extensions = ["jpg", "jpeg", "png", "fits", "fit", "fts", "JPG", "JPEG", "PNG", "FITS"]

    public init(folder: URL) { self.folder = folder }

    public func file(stem: String) -> URL? {
        guard !stem.isEmpty, !stem.contains("/") else { return nil }
        for ext in Self.extensions {
            let url = folder.appendingPathComponent("\(stem).\(ext)")
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        return nil
    }

    public func file(relativePath: String) -> URL? {
        let url = relativePath.hasPrefix("/") ? URL(fileURLWithPath: relativePath) : folder.appendingPathComponent(relativePath)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }
}

/// Every image of a folder, by sorted file name, as rows (id: the name without extension; no position). The
/// listing is held in memory, so this is for folders, not surveys; a survey goes through a catalogue.
public final class FolderRows: PredictionRowSource {
    private let files: [URL]
    private let shard: Shard
    private var position: Int

    public init(folder: URL, shard: Shard, firstRow: Int = 0) throws {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder.path) } catch {
            throw ShardError("cannot list \(folder.path): \(error.localizedDescription)")
        }
        files = names.filter { !$0.hasPrefix(".") }.sorted().map { folder.appendingPathComponent($0) }.filter {
            ImageLookup.extensions.contains($0.pathExtension)
        }
        self.shard = shard
        position = shard.firstOwned(from: firstRow)
    }

    public var rowsRead: Int { min(position, files.count) }

    public func next() throws -> PredictionRow? {
        guard position < files.count else { return nil }
        defer { position += shard.count }
        let url = files[position]
        return PredictionRow(row: position, id: url.deletingPathExtension().lastPathComponent, image: url)
    }
}
