import CFITSIO
import Foundation

extension OutputTable {
    /// The table as a FITS file (an empty primary HDU, then one binary table), built with cfitsio in memory so that
    /// `write(to:)` can put it in place atomically. Integers are 64-bit `K` columns with TNULL = Int64.min where
    /// a value is missing (ids stay exact: never through a double); doubles are `D` columns with NaN for missing;
    /// text is an `A` column as wide as its longest value, non-ASCII characters written as `?` (FITS text is ASCII).
    /// Units go to TUNITn, as astropy and TOPCAT read them.
    public func fitsData() throws -> Data {
        var status: Int32 = 0
        var file: UnsafeMutablePointer<fitsfile>?
        // cfitsio keeps these two addresses and updates them when it grows the buffer: they must outlive this call.
        let buffer = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: 1)
        let size = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        // Empty: cfitsio takes the buffer's initial bytes as the file so far (a reused, uncleared malloc block would
        // put an old file's HDUs before the table), and grows it with realloc.
        buffer.pointee = nil
        size.pointee = 0
        func check(_ what: String) throws {
            guard status != 0 else { return }
            var text = [CChar](repeating: 0, count: 81)
            ffgerr(status, &text)
            throw TableWriteError("cannot write the FITS table: \(what) (cfitsio status \(status): \(cText(text)))")
        }
        defer {
            free(buffer.pointee)
            buffer.deallocate()
            size.deallocate()
        }
        ffimem(&file, buffer, size, 2880 * 64, realloc, &status)
        try check("creating it in memory")
        defer { if let file { var ignored: Int32 = 0; ffclos(file, &ignored) } }

        // Text columns as ASCII byte strings, and their widths.
        let texts: [[[CChar]]?] = columns.map { column in
            guard case .text(let values) = column.values else { return nil }
            return values.map { value in
                (value ?? "").unicodeScalars.map { $0.value >= 32 && $0.value < 127 ? CChar($0.value) : CChar(63) } + [0]
            }
        }
        let forms = zip(columns, texts).map { column, text -> String in
            switch column.values {
            case .int64: return "K"
            case .double: return "D"
            case .text: return "\(max(1, (text ?? []).map { $0.count - 1 }.max() ?? 1))A"
            }
        }
        var names = columns.map { strdup($0.name) }
        var formStrings = forms.map { strdup($0) }
        var units = columns.map { strdup($0.unit ?? "") }
        defer { (names + formStrings + units).forEach { free($0) } }
        ffcrtb(file, BINARY_TBL, Int64(rowCount), Int32(columns.count), &names, &formStrings, &units, nil, &status)
        try check("creating the table")
        for (i, column) in columns.enumerated() {
            if case .int64(let values) = column.values, values.contains(nil) {
                ffpkyj(file, "TNULL\(i + 1)", Int64.min, "missing value", &status)
                try check("writing TNULL\(i + 1) for '\(column.name)'")
            }
        }
        ffrdef(file, &status)
        guard rowCount > 0 else {
            ffflus(file, &status)
            try check("finishing the header")
            return try finished(&file, buffer, &status)
        }
        for (i, column) in columns.enumerated() {
            let n = Int32(i + 1), rows = Int64(rowCount)
            switch column.values {
            case .int64(let values):
                var raw = values.map { $0 ?? Int64.min }
                ffpcljj(file, n, 1, 1, rows, &raw, &status)
            case .double(let values):
                var raw = values.map { $0 ?? .nan }
                ffpcld(file, n, 1, 1, rows, &raw, &status)
            case .text:
                var storage = texts[i]!
                var pointers: [UnsafeMutablePointer<CChar>?] = []
                pointers.reserveCapacity(storage.count)
                try storage.withUnsafeMutableBufferPointer { rowsBuffer in
                    for r in rowsBuffer.indices {
                        pointers.append(rowsBuffer[r].withUnsafeMutableBufferPointer { $0.baseAddress })
                    }
                    // The pointers stay valid: `storage` is neither resized nor copied while they are used.
                    ffpcls(file, n, 1, 1, rows, &pointers, &status)
                    try check("writing column '\(column.name)'")
                }
            }
            try check("writing column '\(column.name)'")
        }
        return try finished(&file, buffer, &status)
    }

    /// Closes the file (which writes the last padding) and copies its bytes: the last HDU ends the file.
    private func finished(_ file: inout UnsafeMutablePointer<fitsfile>?,
                          _ buffer: UnsafeMutablePointer<UnsafeMutableRawPointer?>, _ status: inout Int32) throws -> Data {
        ffflus(file, &status)
        var headerStart: Int64 = 0, dataStart: Int64 = 0, dataEnd: Int64 = 0
        ffghadll(file, &headerStart, &dataStart, &dataEnd, &status)
        ffclos(file, &status)
        file = nil
        guard status == 0 else { throw TableWriteError("cannot finish the FITS table (cfitsio status \(status))") }
        // Read through `buffer` only now: cfitsio's realloc may have moved the bytes. Memory files opened by
        // ffimem are not freed by ffclos.
        return Data(bytes: buffer.pointee!, count: Int(dataEnd))
    }
}
