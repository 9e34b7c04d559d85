import Foundation
import Testing
@testable import Astro

@Suite struct CSVReaderTests {
    @Test func skyServerLayout() throws {
        let text = #"""
            #Table1
            ,objID,ra,dec,modelMag_r,flags,flag_text,specObjID,z,class
            0,1237661059574334072,49.93,41.45,15.1,35184640524304,"DEBLENDED_AT_EDGE BINNED1 CHILD ",1875797123736299520,0.013,GALAXY
            7,1237661059574334114,50.03,41.55,18.4,0,"quoted, with ""comma""",18446744073709551615,-0.0003,STAR
            """#
        let table = try CatalogTable.parseCSV(text, source: "t.csv")
        #expect(table.columns.first == "index")
        #expect(table.rows.count == 2)
        #expect(table.rows[0].line == 3)
        #expect(table.rows[1].cells[6] == "quoted, with \"comma\"")
        let catalog = try Catalog(table: table, mapping: .sdss(columns: table.columns))
        #expect(catalog.objects[0].id == "1237661059574334072")
        #expect(catalog.objects[0].objID == 1_237_661_059_574_334_072)
        #expect(catalog.objects[1].specObjID == UInt64.max)
        #expect(catalog.objects[0].flags?.names == ["DEBLENDED_AT_EDGE", "BINNED1", "CHILD"])
        #expect(catalog.objects[1].spectralClass == "STAR")
        #expect(catalog.objects[0].extra["index"] == "0")
    }

    @Test func missingColumnNamesFileAndColumn() throws {
        let url = try temporaryFile("nomag.csv", "id,ra,dec\nA,10,20\n")
        let mapping = ColumnMapping(id: "id", magnitude: "mag")
        let error = #expect(throws: CatalogError.self) { try Catalog.readCSV(url, mapping: mapping) }
        #expect(error?.file == url.path)
        #expect(error?.column == "mag")
        #expect(error?.description.contains("magnitude column 'mag' is missing") == true)
    }

    @Test func nonNumericMagnitudeNamesRow() throws {
        let url = try temporaryFile("badmag.csv", "id,ra,dec,mag\nA,10,20,18.5\nB,11,21,bright\nC,12,22,19\n")
        let mapping = ColumnMapping(id: "id", magnitude: "mag")
        let error = #expect(throws: CatalogError.self) { try Catalog.readCSV(url, mapping: mapping) }
        #expect(error?.line == 3)
        #expect(error?.column == "mag")
        #expect(error?.description == "\(url.path), line 3, column 'mag': 'bright' is not a number")
        // Skipping keeps the good rows and reports the bad one.
        let catalog = try Catalog.readCSV(url, mapping: mapping, policy: .skip)
        #expect(catalog.objects.map(\.id) == ["A", "C"])
        #expect(catalog.skipped.map(\.line) == [3])
    }

    @Test func objIDTooLargeOrFloatingPoint() throws {
        let url = try temporaryFile("ids.csv", """
            objID,ra,dec
            1237661059574334072,1,2
            99999999999999999999,1,2
            1.23e18,1,2
            -5,1,2
            """)
        let mapping = ColumnMapping(id: nil, objID: "objID")
        let error = #expect(throws: CatalogError.self) { try Catalog.readCSV(url, mapping: mapping) }
        #expect(error?.file == url.path)
        #expect(error?.line == 3)
        #expect(error?.description.contains("does not fit in 64 bits") == true)
        let catalog = try Catalog.readCSV(url, mapping: mapping, policy: .skip)
        #expect(catalog.objects.map(\.objID) == [1_237_661_059_574_334_072, -5])
        #expect(catalog.skipped.map(\.line) == [3, 4])
        #expect(catalog.skipped[1].message.contains("floating-point"))
    }

    @Test func wrongFieldCountIsMalformed() throws {
        let table = try CatalogTable.parseCSV("id,ra,dec\nA,1,2\nB,1\n", source: "f.csv")
        #expect(table.rows.count == 1)
        #expect(table.malformed.first?.line == 3)
        #expect(throws: CatalogError.self) { try Catalog(table: table, mapping: ColumnMapping(id: "id")) }
        let unclosed = #expect(throws: CatalogError.self) { try CatalogTable.parseCSV("a,b\n\"x,1\n", source: "q.csv") }
        #expect(unclosed?.line == 2)
    }

    @Test func exactIntegers() {
        #expect(ExactInteger.problem("9223372036854775807", signed: true) == nil)
        #expect(ExactInteger.problem("9223372036854775808", signed: true) != nil)
        #expect(ExactInteger.problem("18446744073709551615", signed: false) == nil)
        #expect(ExactInteger.problem("1237661059574334072.0", signed: true)?.contains("floating-point") == true)
        #expect(ExactInteger.problem("abc", signed: true)?.contains("not an integer") == true)
    }
}
