import CFITSIO
import Foundation
import Testing
@testable import Astro

/// The one table writer behind every output: the same values in CSV and FITS, units, nulls and exact 64-bit ids.
struct OutputTableTests {
    static func sample() throws -> OutputTable {
        try OutputTable([
            .identifiers("id", ["1237660240857530561", "1237660240857530562", "9223372036854775807"]),
            .init("ra", unit: "deg", .double([49.950667, nil, 0.1 + 0.2])),
            .init("dec", unit: "deg", .double([41.511696, 41.5, -89.999999999])),
            .init("member_probability", .double([0.1234567, nil, 1]), decimals: 6),
            .init("label", .int64([1, nil, 0])),
            .init("status", .text(["ok", "no_image", "ok"])),
            .init("problem", .text([nil, "no file naïve, \"quoted\"", nil])),
        ])
    }

    @Test func csvHasEmptyCellsForMissingValuesAndRoundedColumns() throws {
        let csv = try Self.sample().csv()
        #expect(csv.split(separator: "\n", omittingEmptySubsequences: false) == [
            "id,ra,dec,member_probability,label,status,problem",
            "1237660240857530561,49.950667,41.511696,0.123457,1,ok,",
            #"1237660240857530562,,41.5,,,no_image,"no file naïve, ""quoted""""#,
            "9223372036854775807,0.30000000000000004,-89.999999999,1.000000,0,ok,",
            "",
        ])
    }

    @Test func fitsTableHoldsTheCSVsValuesWithUnitsNullsAndExactIds() throws {
        let table = try Self.sample()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("perseus-table-\(UUID()).fits")
        defer { try? FileManager.default.removeItem(at: url) }
        try table.write(to: url)
        let data = try Data(contentsOf: url)
        #expect(data.count % 2880 == 0)

        // Read back with our reader (cfitsio): the cells are the CSV's, nulls missing, ids exact.
        let read = try CatalogTable.readFITS(url)
        #expect(read.columns == table.columns.map(\.name))
        let csv = try CatalogTable.parseCSV(table.csv(), source: "csv")
        #expect(read.rows.count == 3)
        for (r, row) in read.rows.enumerated() {
            for (c, name) in read.columns.enumerated() {
                let fits = row.cells[c], text = csv.rows[r].cells[c]
                if name == "problem", r == 1 {
                    #expect(fits == "no file na?ve, \"quoted\"", "FITS text is ASCII")
                } else if let x = fits.flatMap(Double.init), let y = text.flatMap(Double.init) {
                    #expect(x == y, "\(name) row \(r)")
                } else {
                    #expect(fits == text, "\(name) row \(r)")
                }
            }
        }

        // The header: K columns for ids and labels, TNULL only where a value is missing, units on ra/dec.
        var status: Int32 = 0
        var file: UnsafeMutablePointer<fitsfile>?
        ffopen(&file, url.path, READONLY, &status)
        defer { ffclos(file, &status) }
        var type: Int32 = 0
        ffmahd(file, 2, &type, &status)
        #expect(status == 0 && type == BINARY_TBL)
        func keyword(_ name: String) -> String? {
            var value = [CChar](repeating: 0, count: 81)
            var s: Int32 = 0
            ffgkys(file, name, &value, nil, &s)
            return s == 0 ? String(cString: value) : nil
        }
        #expect(keyword("TFORM1") == "K" && keyword("TFORM5") == "K")
        #expect(keyword("TFORM2") == "D" && keyword("TFORM6") == "8A")
        #expect(keyword("TUNIT2") == "deg" && keyword("TUNIT3") == "deg" && keyword("TUNIT4") == nil)
        #expect(keyword("TNULL1") == nil && keyword("TNULL5") == "-9223372036854775808")
    }

    @Test func anEmptyTableIsStillAValidFITSTable() throws {
        let table = try OutputTable([.init("id", .text([])), .init("ra", unit: "deg", .double([]))])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("perseus-empty-\(UUID()).fits")
        defer { try? FileManager.default.removeItem(at: url) }
        try table.write(to: url)
        #expect(try CatalogTable.readFITS(url).rows.isEmpty)
    }

    /// cfitsio takes a memory file's initial bytes as the file so far: writing must not pick up an earlier table
    /// left in reused heap memory (it did, once, putting old HDUs before the new table).
    @Test func eachWriteHoldsOnlyItsOwnTable() throws {
        let empty = try OutputTable([.init("id", .text([])), .init("ra", unit: "deg", .double([]))])
        let first = try empty.fitsData()
        #expect(first.count == 2 * 2880, "an empty primary HDU and the table's header")
        for _ in 0..<20 {
            _ = try Self.sample().fitsData()
            #expect(try empty.fitsData() == first)
        }
    }

    @Test func choosesTheFormatByExtensionAndRefusesRaggedColumns() throws {
        #expect(TableFormat(URL(fileURLWithPath: "a/x.FITS")) == .fits)
        #expect(TableFormat(URL(fileURLWithPath: "x.fit")) == .fits)
        #expect(TableFormat(URL(fileURLWithPath: "x.csv")) == .csv)
        #expect(TableFormat(URL(fileURLWithPath: "x")) == .csv)
        #expect(throws: TableWriteError.self) { try OutputTable([.init("a", .int64([1])), .init("b", .int64([]))]) }
        #expect(throws: TableWriteError.self) { try OutputTable([.init("a", .int64([1])), .init("A", .int64([2]))]) }
        #expect(OutputTable.Column.identifiers("id", ["PCC-0001"]).values == .text(["PCC-0001"]))
        #expect(OutputTable.Column.identifiers("id", ["007"]).values == .text(["007"]), "not canonical: kept as text")
        #expect(OutputTable.Column.identifiers("id", ["12", ""]).values == .int64([12, nil]))
    }
}
