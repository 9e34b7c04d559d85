import CFITSIO
import Foundation

extension CatalogTable {
    /// Reads a FITS table (binary or ASCII) with cfitsio: the extension named `hdu` (EXTNAME), or the first table in
    /// the file. Integers keep all 64 bits (read as Int64/UInt64, never through Double); floating-point values are
    /// written back as the shortest text that reads back to the same value; null integers and NaN are missing.
    /// A vector column (repeat n > 1) becomes n columns `NAME[1]`...`NAME[n]`. Rows are numbered from 1.
    public static func readFITS(_ url: URL, hdu: String? = nil) throws -> CatalogTable {
        let path = url.path
        var status: Int32 = 0
        var fptr: UnsafeMutablePointer<fitsfile>?
        func check(_ what: String) throws {
            guard status != 0 else { return }
            var text = [CChar](repeating: 0, count: 81)
            ffgerr(status, &text)
            let code = status
            status = 0
            throw CatalogError(file: path, message: "\(what) (cfitsio status \(code): \(cText(text)))")
        }
        ffopen(&fptr, path, 0 /* READONLY */, &status)
        try check("cannot open as FITS")
        defer { var s: Int32 = 0; ffclos(fptr, &s) }

        if let hdu {
            var name = Array(hdu.utf8CString)
            ffmnhd(fptr, -1 /* ANY_HDU */, &name, 0, &status)
            try check("no extension named '\(hdu)'")
            var type: Int32 = 0
            ffghdt(fptr, &type, &status)
            guard type == 1 || type == 2 else {
                throw CatalogError(file: path, message: "extension '\(hdu)' is an image, not a table")
            }
        } else {
            var number: Int32 = 1
            var type: Int32 = 0
            repeat {
                number += 1
                ffmahd(fptr, number, &type, &status)
                if status != 0 {
                    throw CatalogError(file: path, message: "has no table extension (only images)")
                }
            } while type != 1 && type != 2
        }

        var ncols: Int32 = 0
        var nrowsLong = 0
        ffgncl(fptr, &ncols, &status)
        ffgnrw(fptr, &nrowsLong, &status)
        try check("cannot read the table size")
        let nrows = nrowsLong
        // A corrupt header can claim any number of rows, and the arrays below are sized from it: refuse a table
        // whose rows (NAXIS1 x NAXIS2 bytes) end beyond the file before allocating anything.
        var rowBytes: Int64 = 0
        var headerStart: Int64 = 0, dataStart: Int64 = 0, dataEnd: Int64 = 0
        ffgkyjj(fptr, "NAXIS1", &rowBytes, nil, &status)
        ffghadll(fptr, &headerStart, &dataStart, &dataEnd, &status)
        try check("cannot read the table layout")
        let fileSize = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let (tableBytes, overflow) = Int(rowBytes).multipliedReportingOverflow(by: nrows)
        guard !overflow, rowBytes >= 0, nrows >= 0, Int(dataStart) + tableBytes <= fileSize else {
            throw CatalogError(file: path, message: "truncated or corrupt: the table claims \(nrows) rows of \(rowBytes) "
                               + "bytes but the file has \(fileSize) bytes")
        }

        var columns: [String] = []
        var cellsByColumn: [[String?]] = []
        for col in 1...max(Int32(1), ncols) where ncols > 0 {
            var nameBuffer = [CChar](repeating: 0, count: 81)  // FLEN_VALUE is 71, FLEN_COMMENT 73
            var comment = [CChar](repeating: 0, count: 81)
            ffgkys(fptr, "TTYPE\(col)", &nameBuffer, &comment, &status)
            if status != 0 { status = 0; nameBuffer = Array("col\(col)".utf8CString) }
            let name = cText(nameBuffer)
            var type: Int32 = 0
            var repeatCount = 0
            var width = 0
            ffeqty(fptr, col, &type, &repeatCount, &width, &status)
            try check("cannot read the type of column '\(name)'")
            // Elements (or string bytes) per row times rows must fit in the table's bytes, or the header lies.
            let (elements, tooMany) = max(repeatCount, width, 1).multipliedReportingOverflow(by: nrows)
            guard repeatCount >= 0, !tooMany, elements <= max(tableBytes, nrows) else {
                throw CatalogError(file: path, column: name, message: "claims \(repeatCount) elements of width \(width) "
                                   + "per row, more than the \(rowBytes)-byte rows hold")
            }
            let cells = try readColumn(fptr, col, type: type, repeatCount: repeatCount, width: width, rows: nrows,
                                       name: name, path: path)
            if cells.count == 1 {
                columns.append(name)
            } else {
                columns += (1...cells.count).map { "\(name)[\($0)]" }
            }
            cellsByColumn += cells
        }
        var rows: [Row] = []
        rows.reserveCapacity(nrows)
        for r in 0..<nrows {
            rows.append(Row(line: r + 1, cells: cellsByColumn.map { $0[r] }))
        }
        return CatalogTable(source: path, columns: columns, rows: rows)
    }

    /// One column's values as text: one array per element of a vector column, each with a cell per row.
    private static func readColumn(_ fptr: UnsafeMutablePointer<fitsfile>?, _ col: Int32, type: Int32, repeatCount: Int, width: Int,
                                   rows: Int, name: String, path: String) throws -> [[String?]] {
        var status: Int32 = 0
        var anyNull: Int32 = 0
        func fail() -> CatalogError {
            var text = [CChar](repeating: 0, count: 81)
            ffgerr(status, &text)
            return CatalogError(file: path, column: name, message: "cannot read the column (cfitsio status \(status): \(cText(text)))")
        }
        if rows == 0 { return [[]] }
        switch type {
        case 16:  // TSTRING: one string of `repeatCount` characters per row
            // Binary tables give the length as the repeat count (rA), ASCII tables as the width (Aw, repeat 1).
            let length = max(repeatCount, width, 1) + 1
            var storage = [CChar](repeating: 0, count: length * rows)
            var empty: [CChar] = [0]
            let strings: [String?] = try storage.withUnsafeMutableBufferPointer { buffer in
                var pointers: [UnsafeMutablePointer<CChar>?] = (0..<rows).map { buffer.baseAddress! + $0 * length }
                ffgcvs(fptr, col, 1, 1, Int64(rows), &empty, &pointers, &anyNull, &status)
                if status != 0 { throw fail() }
                return pointers.map { missingAsNil(String(cString: UnsafePointer($0!))) }
            }
            return [strings]
        case 14:  // TLOGICAL
            var values = [CChar](repeating: 0, count: rows * repeatCount)
            var nulls = [CChar](repeating: 0, count: rows * repeatCount)
            ffgcfl(fptr, col, 1, 1, Int64(rows * repeatCount), &values, &nulls, &anyNull, &status)
            if status != 0 { throw fail() }
            return elements(repeatCount, rows) { nulls[$0] != 0 ? nil : (values[$0] != 0 ? "T" : "F") }
        case 11, 12, 20, 21, 30, 31, 40, 41, 81:  // integers that fit in Int64
            var values = [Int64](repeating: 0, count: rows * repeatCount)
            var nulls = [CChar](repeating: 0, count: rows * repeatCount)
            ffgcfjj(fptr, col, 1, 1, Int64(rows * repeatCount), &values, &nulls, &anyNull, &status)
            if status != 0 { throw fail() }
            return elements(repeatCount, rows) { nulls[$0] != 0 ? nil : String(values[$0]) }
        case 80:  // TULONGLONG
            var values = [UInt64](repeating: 0, count: rows * repeatCount)
            var nulls = [CChar](repeating: 0, count: rows * repeatCount)
            ffgcfujj(fptr, col, 1, 1, Int64(rows * repeatCount), &values, &nulls, &anyNull, &status)
            if status != 0 { throw fail() }
            return elements(repeatCount, rows) { nulls[$0] != 0 ? nil : String(values[$0]) }
        case 42:  // TFLOAT: print as Float so 0.1f reads back as "0.1"
            var values = [Float](repeating: 0, count: rows * repeatCount)
            ffgcve(fptr, col, 1, 1, Int64(rows * repeatCount), Float.nan, &values, &anyNull, &status)
            if status != 0 { throw fail() }
            return elements(repeatCount, rows) { values[$0].isNaN ? nil : "\(values[$0])" }
        case 82:  // TDOUBLE
            var values = [Double](repeating: 0, count: rows * repeatCount)
            ffgcvd(fptr, col, 1, 1, Int64(rows * repeatCount), Double.nan, &values, &anyNull, &status)
            if status != 0 { throw fail() }
            return elements(repeatCount, rows) { values[$0].isNaN ? nil : "\(values[$0])" }
        default:
            throw CatalogError(file: path, column: name,
                               message: "has cfitsio type code \(type) (bit or complex), which a catalogue cannot use")
        }
    }

    /// Splits row-major vector values into one array per element.
    private static func elements(_ repeatCount: Int, _ rows: Int, _ cell: (Int) -> String?) -> [[String?]] {
        (0..<max(repeatCount, 1)).map { e in (0..<rows).map { r in cell(r * repeatCount + e) } }
    }
}

/// Text of a NUL-terminated C buffer.
func cText(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
