import Astro
import Foundation
import Testing
@testable import Scale

/// A Python with astropy, from a venv this test makes (or reuses) at `.build/astropy-venv`; nil, with the reason on
/// standard error, when pip cannot install it (no PyPI), so the astropy test is skipped rather than failed.
enum Astropy {
    static let python: URL? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let venv = root.appendingPathComponent(".build/astropy-venv")
        let python = venv.appendingPathComponent("bin/python")
        if run(python.path, ["-c", "import astropy"]).status == 0 { return python }
        for (tool, arguments) in [("/usr/bin/env", ["python3", "-m", "venv", venv.path]),
                                  (python.path, ["-m", "pip", "install", "--quiet", "astropy"])] {
            let result = run(tool, arguments)
            guard result.status == 0 else {
                FileHandle.standardError.write(Data("astropy test skipped: `\(([tool] + arguments).joined(separator: " "))` failed (\(result.status)): \(result.output.suffix(600))\n".utf8))
                return nil
            }
        }
        return run(python.path, ["-c", "import astropy"]).status == 0 ? python : nil
    }()

    static func run(_ tool: String, _ arguments: [String]) -> (status: Int32, output: String) {
        guard FileManager.default.isExecutableFile(atPath: tool) else { return (127, "\(tool) not found") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (127, "\(error)") }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// Compares a FITS table with a CSV cell by cell as astropy reads them: the same rows, ids and row numbers as
    /// 64-bit integers, ra/dec in deg, masked (integers, text) or NaN (floats) exactly where the CSV cell is empty.
    static let compare = """
        import csv, math, sys
        import numpy as np
        from astropy.table import Table
        fits_path, csv_path = sys.argv[1], sys.argv[2]
        t = Table.read(fits_path)
        with open(csv_path, newline="") as f:
            rows = list(csv.DictReader(f))
        assert t.colnames == list(rows[0].keys()), (t.colnames, list(rows[0].keys()))
        assert len(t) == len(rows), (len(t), len(rows))
        for name in ("row", "id", "label"):
            assert t[name].dtype.kind == "i" and t[name].dtype.itemsize == 8, (name, t[name].dtype)
        assert str(t["ra"].unit) == "deg" and str(t["dec"].unit) == "deg", (t["ra"].unit, t["dec"].unit)
        def masked(column, i):
            return bool(np.ma.getmaskarray(column)[i]) if hasattr(column, "mask") else False
        checked = 0
        for i, row in enumerate(rows):
            for name, cell in row.items():
                column = t[name]
                value = column[i]
                if column.dtype.kind == "i":
                    if cell == "":
                        assert masked(column, i), (name, i, value)
                    else:
                        assert not masked(column, i) and int(value) == int(cell), (name, i, value, cell)
                elif column.dtype.kind == "f":
                    if cell == "":
                        assert math.isnan(value), (name, i, value)
                    else:
                        assert float(value) == float(cell), (name, i, repr(value), cell)
                elif cell == "":  # astropy masks an empty FITS string
                    assert masked(column, i) or str(value) == "", (name, i, value)
                else:
                    assert str(value) == cell, (name, i, value, cell)
                checked += 1
        print("astropy", len(t), "rows", checked, "cells equal")
        """
}

@Suite(.serialized)
struct FITSOutputTests {
    /// `objID,ra,dec,file` with SDSS-like 64-bit ids (beyond a double's 53 bits), absent and unreadable cutouts.
    func catalogue(_ f: Fixture, rows: Int) throws -> URL {
        var text = "objID,ra,dec,file\n"
        for r in 0..<rows {
            let file = r % 37 == 36 ? "cutouts/absent.png" : r % 90 == 89 ? "cutouts/broken.png" : f.files[r % f.files.count]
            text += "\(1237660240857530561 + Int64(r)),\(String(format: "%.5f", 49.9 + Double(r) * 0.001)),41.5,\(file)\n"
        }
        let url = f.folder.appendingPathComponent("objid-\(rows).csv")
        try Data(text.utf8).write(to: url)
        return url
    }

    func predict(_ f: Fixture, _ catalog: URL, _ shard: Shard, into out: URL, stopAfter: Int? = nil) throws {
        let output = try ShardTable.open(out, shard: shard, input: catalog.path, force: false)
        var source: PredictionRowSource = try CatalogueRows(catalog: catalog, images: f.folder, imageColumn: "file",
                                                            shard: shard, firstRow: output.progress.nextRow)
        if let stopAfter { source = Interrupted(source, after: stopAfter) }
        var prediction = ShardPrediction(trained: try f.trained())
        prediction.batchSize = 16
        prediction.flushRows = 16
        try prediction.run(source, into: output)
        try ShardTable.finish(out)
    }

    /// Shards written as FITS (one killed and resumed) merge into a FITS table holding the merged CSV's values,
    /// read back by cfitsio and, when it can be installed, by astropy.
    @Test func fitsPredictionsResumeMergeAndMatchTheCSV() throws {
        let f = try fixture()
        let catalog = try catalogue(f, rows: 200)
        let folder = f.folder.appendingPathComponent("fits-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let parts = (1...2).map { folder.appendingPathComponent("part-\($0).fits") }
        #expect(throws: Interrupted.Killed.self) {
            try predict(f, catalog, try Shard(index: 1, count: 2), into: parts[0], stopAfter: 40)
        }
        #expect(!FileManager.default.fileExists(atPath: parts[0].path), "no table before the shard's rows are complete")
        try predict(f, catalog, try Shard(index: 1, count: 2), into: parts[0])
        try predict(f, catalog, try Shard(index: 2, count: 2), into: parts[1])
        // A FITS table someone else wrote is not overwritten.
        let other = folder.appendingPathComponent("other.fits")
        try Data(repeating: 32, count: 2880).write(to: other)
        #expect(throws: ShardError.self) { try ShardTable.open(other, shard: .whole, input: catalog.path, force: false) }

        let mergedCSV = folder.appendingPathComponent("merged.csv"), mergedFITS = folder.appendingPathComponent("merged.fits")
        let summary = try mergeShards(parts, into: mergedCSV)
        try mergeShards(parts.reversed(), into: mergedFITS)
        #expect(summary.rows == 200 && summary.predicted < 200)

        let csv = try CatalogTable.readCSV(mergedCSV), fits = try CatalogTable.readFITS(mergedFITS)
        #expect(fits.columns == csv.columns)
        #expect(fits.rows.count == 200)
        // cfitsio reads back the CSV's cells: the same text, or the same number (`0.000000` reads back as `0.0`).
        var differing: [String] = []
        for (r, (a, b)) in zip(fits.rows, csv.rows).enumerated() {
            for (c, (x, y)) in zip(a.cells, b.cells).enumerated() where x != y && x.flatMap(Double.init) != y.flatMap(Double.init) {
                differing.append("row \(r) \(csv.columns[c]): FITS \(x ?? "null"), CSV \(y ?? "null")")
            }
        }
        #expect(differing.isEmpty, "\(differing.prefix(5))")
        #expect(fits.rows[36].cells[csv.columnIndex("status")!] == "no_image")
        #expect(fits.rows[7].cells[1] == "1237660240857530568", "64-bit ids exact")
        // Each shard's own table is the rows it wrote.
        #expect(try CatalogTable.readFITS(parts[1]).rows.count == 100)

        guard let python = Astropy.python else {
            print("FITSOutputTests: the astropy comparison was skipped: astropy could not be installed into .build/astropy-venv (reason on standard error)")
            return
        }
        let script = folder.appendingPathComponent("compare.py")
        try Data(Astropy.compare.utf8).write(to: script)
        let result = Astropy.run(python.path, [script.path, mergedFITS.path, mergedCSV.path])
        #expect(result.status == 0, "astropy: \(result.output)")
        #expect(result.output.contains("astropy 200 rows"))
    }
}

