import Files
import Foundation

/// A table an output writes (predictions, a merge, an evaluation): named, typed columns of equal length, with units
/// and missing values. Built once and written as CSV or as a FITS binary table, chosen by the file's extension, so
/// the two formats always hold the same columns and values.
public struct OutputTable: Sendable {
    public enum Values: Sendable, Equatable {
        /// 64-bit integers, exact (a FITS `K` column; missing values get TNULL).
        case int64([Int64?])
        /// Doubles (a FITS `D` column; missing values are NaN there, empty cells in CSV).
        case double([Double?])
        /// Text (a FITS `A` column as wide as the longest value; missing values are empty).
        case text([String?])

        public var count: Int {
            switch self {
            case .int64(let v): return v.count
            case .double(let v): return v.count
            case .text(let v): return v.count
            }
        }
    }

    public struct Column: Sendable {
        public var name: String
        /// FITS TUNIT (`deg` for positions); CSV has no place for it.
        public var unit: String?
        public var values: Values
        /// Digits after the point in CSV (nil: the shortest text that reads back exactly). The FITS column holds the
        /// value rounded the same way, so both files hold the same numbers.
        public var decimals: Int?

        public init(_ name: String, unit: String? = nil, _ values: Values, decimals: Int? = nil) {
            self.name = name
            self.unit = unit
            self.decimals = decimals
            if let decimals, case .double(let v) = values {
                self.values = .double(v.map { $0.map { Self.rounded($0, decimals) } })
            } else {
                self.values = values
            }
        }

        /// An identifier column: 64-bit integers when every id is one written canonically (SDSS objIDs stay exact
        /// in FITS), else text (`PCC-0001`). An empty id is missing.
        public static func identifiers(_ name: String, _ ids: [String]) -> Column {
            let numbers = ids.map { $0.isEmpty ? nil : Int64($0) }
            let integral = zip(ids, numbers).allSatisfy { id, n in id.isEmpty || n.map { String($0) == id } == true }
            if integral, numbers.contains(where: { $0 != nil }) { return Column(name, .int64(numbers)) }
            return Column(name, .text(ids.map { $0.isEmpty ? nil : $0 }))
        }

        static func rounded(_ value: Double, _ decimals: Int) -> Double {
            guard value.isFinite else { return value }
            return Double(String(format: "%.\(decimals)f", value)) ?? value
        }

        /// The cell as CSV text (unquoted); empty when missing.
        func text(_ row: Int) -> String {
            switch values {
            case .int64(let v): return v[row].map { "\($0)" } ?? ""
            case .double(let v):
                guard let x = v[row], !x.isNaN else { return "" }
                return decimals.map { String(format: "%.\($0)f", x) } ?? "\(x)"
            case .text(let v): return v[row] ?? ""
            }
        }
    }

    public var columns: [Column]

    /// Throws when the columns differ in length or two share a name.
    public init(_ columns: [Column]) throws {
        if let first = columns.first, let odd = columns.first(where: { $0.values.count != first.values.count }) {
            throw TableWriteError("column '\(odd.name)' has \(odd.values.count) rows but '\(first.name)' has \(first.values.count)")
        }
        var names = Set<String>()
        for column in columns where !names.insert(column.name.lowercased()).inserted {
            throw TableWriteError("two columns are named '\(column.name)'")
        }
        self.columns = columns
    }

    public var rowCount: Int { columns.first?.values.count ?? 0 }

    public func column(_ name: String) -> Column? { columns.first { $0.name == name } }

    /// Writes the table atomically in the format `url`'s extension names (see `TableFormat`).
    public func write(to url: URL) throws {
        switch TableFormat(url) {
        case .csv: try AtomicFile.write(Data(csv().utf8), to: url)
        case .fits: try AtomicFile.write(fitsData(), to: url)
        }
    }
}

/// The format of a table file: FITS for `.fits`, `.fit` and `.fts` (any case), CSV otherwise, as before.
public enum TableFormat: Sendable, Equatable {
    case csv, fits

    public init(_ url: URL) {
        self = ["fits", "fit", "fts"].contains(url.pathExtension.lowercased()) ? .fits : .csv
    }
}

/// A table that cannot be built or written (the reason names the column or the file).
public struct TableWriteError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
