import Foundation

/// A catalogue: typed objects from one file, with the rows that could not be used and why.
public struct Catalog: Sendable {
    public var source: String
    public var columns: [String]
    public var objects: [CatalogObject]
    /// Rows left out under `BadRowPolicy.skip`, each naming its line and column.
    public var skipped: [CatalogError]
    /// The column the ids came from; nil when the objects are numbered by their line.
    public var idColumn: String?

    public init(source: String, columns: [String], objects: [CatalogObject], skipped: [CatalogError] = [],
                idColumn: String? = nil) {
        self.idColumn = idColumn
        self.source = source
        self.columns = columns
        self.objects = objects
        self.skipped = skipped
    }

    /// Types a table's rows through a column mapping. A column the mapping names but the table lacks stops the
    /// read; a bad value (non-numeric magnitude, objID that is not an exact 64-bit integer, missing position)
    /// stops it too under `.stop`, or leaves the row out and lists it in `skipped` under `.skip`.
    public init(table: CatalogTable, mapping: ColumnMapping, policy: BadRowPolicy = .stop) throws {
        var index: [String: Int] = [:]
        for (role, column) in mapping.named {
            guard let i = table.columnIndex(column) else {
                throw CatalogError(
                    file: table.source, column: column,
                    message: "the \(role) column '\(column)' is missing; the table has: "
                        + table.columns.joined(separator: ", "))
            }
            index[column] = i
        }
        if policy == .stop, let first = table.malformed.first { throw first }
        var skipped = table.malformed
        var objects: [CatalogObject] = []
        objects.reserveCapacity(table.rows.count)
        let used = Set(index.values)
        for row in table.rows {
            do {
                objects.append(try Catalog.object(row, table: table, mapping: mapping, index: index, used: used))
            } catch let error as CatalogError {
                if policy == .stop { throw error }
                skipped.append(error)
            }
        }
        skipped.sort { ($0.line ?? 0) < ($1.line ?? 0) }
        self.init(source: table.source, columns: table.columns, objects: objects, skipped: skipped, idColumn: mapping.id)
    }

    private static func object(_ row: CatalogTable.Row, table: CatalogTable, mapping: ColumnMapping,
                               index: [String: Int], used: Set<Int>) throws -> CatalogObject {
        func fail(_ column: String, _ message: String) -> CatalogError {
            CatalogError(file: table.source, line: row.line, column: column, message: message)
        }
        func text(_ column: String?) -> String? {
            guard let column, let i = index[column] else { return nil }
            return row.cells[i]
        }
        func number(_ column: String?, required: Bool = false) throws -> Double? {
            guard let column else { return nil }
            guard let t = text(column) else {
                if required { throw fail(column, "has no value") }
                return nil
            }
            guard let v = Double(t), v.isFinite else { throw fail(column, "'\(t)' is not a number") }
            return v
        }
        func int64(_ column: String?) throws -> Int64? {
            guard let column, let t = text(column) else { return nil }
            switch ExactInteger.int64(t) {
            case .success(let v): return v
            case .failure(let e): throw fail(column, e.message)
            }
        }
        func uint64(_ column: String?) throws -> UInt64? {
            guard let column, let t = text(column) else { return nil }
            switch ExactInteger.uint64(t) {
            case .success(let v): return v
            case .failure(let e): throw fail(column, e.message)
            }
        }

        // A table without positions gives NaN: its objects are found by id, and only cross-matching needs positions.
        let ra = try mapping.ra.map { try number($0, required: true)! } ?? .nan
        let dec = try mapping.dec.map { try number($0, required: true)! } ?? .nan
        if let column = mapping.ra, !(0...360).contains(ra) { throw fail(column, "RA \(ra) is outside 0...360 degrees") }
        if let column = mapping.dec, !(-90...90).contains(dec) { throw fail(column, "Dec \(dec) is outside -90...90 degrees") }
        var id = "\(row.line)"
        if let column = mapping.id {
            guard let t = text(column) else { throw fail(column, "the id has no value") }
            id = t
        }
        // A label is a class number or a class name; the dataset's classes decide which class a name is.
        let labelText = mapping.label.flatMap(text)?.trimmingCharacters(in: .whitespaces)
        let label = labelText.flatMap { Int($0) }
        var photometry: Photometry?
        if let c = mapping.colours, let r = try number(c.r), let ug = try number(c.uMinusG),
           let gr = try number(c.gMinusR), let ri = try number(c.rMinusI), let rz = try number(c.rMinusZ) {
            photometry = Photometry(r: r, uMinusG: ug, gMinusR: gr, rMinusI: ri, rMinusZ: rz)
        }
        var extinction: Photometry?
        if let e = mapping.extinction, e.count == 5 {
            let a = try e.map { try number($0) }
            if let u = a[0], let g = a[1], let r = a[2], let i = a[3], let z = a[4] {
                extinction = Photometry(u: u, g: g, r: r, i: i, z: z)
            }
        }
        var extra: [String: String] = [:]
        for (i, name) in table.columns.enumerated() where !used.contains(i) {
            if let v = row.cells[i] { extra[name] = v }
        }
        return CatalogObject(
            id: id, ra: ra, dec: dec, magnitude: try number(mapping.magnitude),
            objectClass: text(mapping.objectClass), label: label, labelText: labelText, spectralClass: text(mapping.spectralClass),
            photoType: text(mapping.photoType), objID: try int64(mapping.objID),
            specObjID: try uint64(mapping.specObjID), flags: try int64(mapping.flags).map(PhotoFlags.init),
            redshift: try number(mapping.redshift), photometry: photometry, extinction: extinction,
            correctedR: try number(mapping.correctedR), correctedGMinusZ: try number(mapping.correctedGMinusZ),
            extra: extra, line: row.line)
    }
}

extension Catalog {
    /// The Perseus Cluster Catalog export (`PCC_cat.txt`).
    public static func readPCC(_ url: URL, policy: BadRowPolicy = .stop) throws -> Catalog {
        try Catalog(table: .readPCC(url), mapping: .pcc, policy: policy)
    }

    /// An SDSS SkyServer or CasJobs CSV, its columns recognised by name (`ColumnMapping.sdss`).
    public static func readSDSSCSV(_ url: URL, policy: BadRowPolicy = .stop) throws -> Catalog {
        let table = try CatalogTable.readCSV(url)
        return try Catalog(table: table, mapping: .sdss(columns: table.columns), policy: policy)
    }

    /// Any CSV, through a mapping that says which column is which.
    public static func readCSV(_ url: URL, mapping: ColumnMapping, policy: BadRowPolicy = .stop) throws -> Catalog {
        try Catalog(table: .readCSV(url), mapping: mapping, policy: policy)
    }

    /// A FITS binary (or ASCII) table: the named extension, or the first table in the file. Without a mapping the
    /// SDSS column names are recognised.
    public static func readFITS(_ url: URL, hdu: String? = nil, mapping: ColumnMapping? = nil,
                                policy: BadRowPolicy = .stop) throws -> Catalog {
        let table = try CatalogTable.readFITS(url, hdu: hdu)
        return try Catalog(table: table, mapping: mapping ?? .sdss(columns: table.columns), policy: policy)
    }

    /// Reads a catalogue, telling the format from the bytes: FITS (`SIMPLE  =`), CSV (a comma in the first
    /// non-comment line), else the PCC fixed-width export.
    /// `idColumn` and `labelColumn` name the id and label columns when the recognised names do not fit.
    public static func read(_ url: URL, idColumn: String? = nil, labelColumn: String? = nil,
                            policy: BadRowPolicy = .stop) throws -> Catalog {
        try Catalog(table: CatalogTable.read(url), idColumn: idColumn, labelColumn: labelColumn, policy: policy)
    }

    /// Types a table read by `CatalogTable.read`, choosing the mapping from its format; `idColumn` and `labelColumn`
    /// override the recognised id and label columns.
    public init(table: CatalogTable, idColumn: String? = nil, labelColumn: String? = nil,
                policy: BadRowPolicy = .stop) throws {
        var mapping: ColumnMapping = table.columns == CatalogTable.pccColumns ? .pcc : .sdss(columns: table.columns)
        if let idColumn { mapping.id = idColumn }
        if let labelColumn { mapping.label = labelColumn }
        try self.init(table: table, mapping: mapping, policy: policy)
    }
}

extension CatalogTable {
    /// Reads a table in any supported format, telling FITS, CSV and the PCC export apart by their bytes.
    public static func read(_ url: URL) throws -> CatalogTable {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw CatalogError(file: url.path, message: "cannot open the file")
        }
        let head = (try? handle.read(upToCount: 4096)) ?? Data()
        try? handle.close()
        if head.starts(with: Array("SIMPLE  =".utf8)) { return try readFITS(url, hdu: nil) }
        let text = String(decoding: head, as: UTF8.self)
        let firstLine = text.split(separator: "\n").first { !$0.hasPrefix("#") } ?? ""
        return firstLine.contains(",") ? try readCSV(url) : try readPCC(url)
    }
}
