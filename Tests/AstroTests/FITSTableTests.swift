import CFITSIO
import Foundation
import Testing
@testable import Astro

@Suite struct FITSTableTests {
    /// Writes a small binary table with cfitsio directly (not through our reader's code), then reads it back.
    @Test func writeWithCFITSIOAndReadBack() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("astro-fits-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("table.fits").path

        let ids = ["PCC-0001", "PCC-0002", "PCC-0003"]
        let ras = [49.2355, 49.9467, 50.125]
        let decs = [41.5722, 41.5131, 41.25]
        let mags: [Double] = [18.25, .nan, 19.5]  // NaN is a null
        let objIDs: [Int64] = [1_237_661_059_574_334_072, 1_237_661_059_574_334_114, Int64.max]
        let flags: [Int32] = [16, 64, 0]

        var status: Int32 = 0
        var fptr: UnsafeMutablePointer<fitsfile>?
        ffinit(&fptr, "!" + path, &status)
        #expect(status == 0)
        let names = ["ID", "RA", "DEC", "MAG", "OBJID", "FLAGS"]
        let forms = ["12A", "D", "D", "D", "K", "J"]
        func cStrings(_ s: [String]) -> [UnsafeMutablePointer<CChar>?] { s.map { strdup($0) } }
        var ttype = cStrings(names)
        var tform = cStrings(forms)
        defer { (ttype + tform).forEach { free($0) } }
        ffcrtb(fptr, 2, 3, Int32(names.count), &ttype, &tform, nil, "OBJECTS", &status)
        var idPointers = cStrings(ids)
        defer { idPointers.forEach { free($0) } }
        ffpcls(fptr, 1, 1, 1, 3, &idPointers, &status)
        var r = ras, d = decs, m = mags, o = objIDs, f = flags
        ffpcld(fptr, 2, 1, 1, 3, &r, &status)
        ffpcld(fptr, 3, 1, 1, 3, &d, &status)
        ffpcld(fptr, 4, 1, 1, 3, &m, &status)
        ffpcljj(fptr, 5, 1, 1, 3, &o, &status)
        ffpclk(fptr, 6, 1, 1, 3, &f, &status)
        ffclos(fptr, &status)
        #expect(status == 0)

        let url = URL(fileURLWithPath: path)
        let table = try CatalogTable.readFITS(url)
        #expect(table.columns == names)
        #expect(table.rows.count == 3)
        let mapping = ColumnMapping(id: "ID", ra: "RA", dec: "DEC", magnitude: "MAG", objID: "OBJID", flags: "FLAGS")
        let catalog = try Catalog.readFITS(url, hdu: "OBJECTS", mapping: mapping)
        #expect(catalog.objects.map(\.id) == ids)
        #expect(catalog.objects.map(\.ra) == ras)
        #expect(catalog.objects.map(\.dec) == decs)
        #expect(catalog.objects.map(\.magnitude) == [18.25, nil, 19.5])
        #expect(catalog.objects.map(\.objID) == objIDs.map { Optional($0) })
        #expect(catalog.objects.map { $0.flags?.names ?? [] } == [["CHILD"], ["NODEBLEND"], []])
        // The format is told from the bytes.
        #expect(try Catalog.read(url).objects.count == 3)

        let missing = #expect(throws: CatalogError.self) { try Catalog.readFITS(url, hdu: "NOPE", mapping: mapping) }
        #expect(missing?.file == path)
        let noMag = ColumnMapping(id: "ID", ra: "RA", dec: "DEC", magnitude: "MAG_R")
        let e = #expect(throws: CatalogError.self) { try Catalog.readFITS(url, mapping: noMag) }
        #expect(e?.column == "MAG_R")
    }

    @Test func garbageIsNotFITS() throws {
        let url = try temporaryFile("bad.fits", "SIMPLE  = garbage")
        #expect(throws: CatalogError.self) { try CatalogTable.readFITS(url) }
    }
}
