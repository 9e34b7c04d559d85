import CFITSIO
import Foundation
import Testing
@testable import Astro

/// Regression tests for what fuzzing (`scripts/fuzz.sh`) found in the FITS table reader.
@Suite struct FITSTableHostileTests {
    /// Writes a table with cfitsio: `ascii` picks an ASCII table (TFORM Aw / Fw.d) over a binary one.
    private func writeTable(_ path: String, ascii: Bool) throws {
        var status: Int32 = 0
        var fptr: UnsafeMutablePointer<fitsfile>?
        ffinit(&fptr, "!" + path, &status)
        let names = ["ID", "RA", "DEC"]
        let forms = ascii ? ["A10", "F12.6", "F12.6"] : ["10A", "D", "D"]
        var ttype = names.map { strdup($0) }, tform = forms.map { strdup($0) }
        defer { (ttype + tform).forEach { free($0) } }
        ffcrtb(fptr, ascii ? 1 : 2, 3, 3, &ttype, &tform, nil, "OBJECTS", &status)
        let idText: [String] = ["PCC-0001", "PCC-0002", "PCC-0003"]
        var ids = idText.map { strdup($0) }
        defer { ids.forEach { free($0) } }
        var ras = [49.2355, 49.9467, 50.125], decs = [41.5722, 41.5131, 41.25]
        ffpcls(fptr, 1, 1, 1, 3, &ids, &status)
        ffpcld(fptr, 2, 1, 1, 3, &ras, &status)
        ffpcld(fptr, 3, 1, 1, 3, &decs, &status)
        ffclos(fptr, &status)
        try #require(status == 0, "cfitsio status \(status)")
    }

    /// ASCII tables give a string column's length as its width with a repeat count of 1: the reader sized each
    /// string buffer from the repeat count (2 bytes) and cfitsio wrote 10, past the end of the heap block.
    @Test func asciiTableStringsAreReadIntoBuffersOfTheirWidth() throws {
        let dir = try temporaryFile("x", "").deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: dir) }
        for ascii in [true, false] {
            let path = dir.appendingPathComponent(ascii ? "ascii.fits" : "binary.fits").path
            try writeTable(path, ascii: ascii)
            let table = try CatalogTable.readFITS(URL(fileURLWithPath: path))
            #expect(table.columns == ["ID", "RA", "DEC"])
            #expect(table.rows.map { $0.cells[0] } == ["PCC-0001", "PCC-0002", "PCC-0003"], "ascii: \(ascii)")
            #expect(table.rows.map { $0.cells[1] } == ["49.2355", "49.9467", "50.125"], "ascii: \(ascii)")
        }
    }

    /// NAXIS2 patched to 2^40 rows in a file of a few kB: the reader sized its arrays from it.
    @Test func tableClaimingMoreRowsThanTheFileHoldsIsRefused() throws {
        let dir = try temporaryFile("x", "").deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("rows.fits").path
        try writeTable(path, ascii: false)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        // The table's NAXIS2 card is the second one in the file (the primary HDU has NAXIS = 0, no NAXIS2).
        let key = Array("NAXIS2  = ".utf8)
        let card = try #require(stride(from: 0, to: bytes.count - 80, by: 80).first { Array(bytes[$0..<($0 + 10)]) == key })
        bytes.replaceSubrange((card + 10)..<(card + 30), with: Array("       1099511627776".utf8))
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: CatalogError.self) { try CatalogTable.readFITS(URL(fileURLWithPath: path)) }
        #expect(error?.file == path)
        #expect(error?.message.contains("1099511627776 rows") == true, "\(String(describing: error))")
    }
}
