import Astro
import Files
import Foundation
import Imaging

/// Which part of a prepared dataset an object belongs to. `holdout` objects never enter training or model
/// selection: they are the independent test set (for example spectroscopic objects kept out).
public enum SplitName: String, Sendable, CaseIterable, Codable {
    case train, validation, test, holdout
}

/// The objects a run is judged on: one split, or all (every split but train).
public enum JudgedSplit: String, Sendable, CaseIterable {
    case test, holdout, validation, train, all
}

extension PreparedDataset {
    public func objects(judgedOn split: JudgedSplit) -> [PreparedObject] {
        guard let name = SplitName(rawValue: split.rawValue) else { return objects.filter { $0.split != .train } }
        return objects(in: name)
    }
}

/// One cleaned, labelled object of a prepared dataset: a row of its `objects.csv`.
public struct PreparedObject: Sendable, Equatable {
    public var id: String
    /// Where it came from: `catalog` or `spectra`.
    public var source: String
    public var ra: Double
    public var dec: Double
    public var magnitude: Double?
    public var gMinusZ: Double?
    public var gMinusR: Double?
    public var uMinusG: Double?
    public var rMinusI: Double?
    public var objectClass: String?
    public var redshift: Double?
    public var label: Int
    public var split: SplitName
    /// Image file, absolute.
    public var image: URL
    /// Wider cutout of the same object at the same scale (to rotate without empty corners), absolute.
    public var wideImage: URL?
    /// The catalogue's other measured quantities carried for the catalogue model (PCC photometric and structural
    /// parameters, by column name); a missing value is absent.
    public var parameters: [String: Double] = [:]

    public init(id: String, source: String, ra: Double, dec: Double, magnitude: Double? = nil, gMinusZ: Double? = nil,
                gMinusR: Double? = nil, uMinusG: Double? = nil, rMinusI: Double? = nil, objectClass: String? = nil,
                redshift: Double? = nil, label: Int, split: SplitName, image: URL, wideImage: URL? = nil,
                parameters: [String: Double] = [:]) {
        self.id = id
        self.source = source
        self.ra = ra
        self.dec = dec
        self.magnitude = magnitude
        self.gMinusZ = gMinusZ
        self.gMinusR = gMinusR
        self.uMinusG = uMinusG
        self.rMinusI = rMinusI
        self.objectClass = objectClass
        self.redshift = redshift
        self.label = label
        self.split = split
        self.image = image
        self.wideImage = wideImage
        self.parameters = parameters
    }
}

/// The folder `perseus prepare` writes and `train`/`evaluate` read: `objects.csv` (one row per object with its
/// label, split and image files, then one column per catalogue parameter), `classes.txt` (the class names, one a
/// line, label 0 first; a folder without it is binary: background, member) and `cleaning.txt` (what each rule
/// removed and why).
public struct PreparedDataset: Sendable {
    public var objects: [PreparedObject]
    /// The parameter columns, in order.
    public var parameterNames: [String]
    /// The class of each label: `classNames[label]`.
    public var classNames: [String]

    /// `parameterNames` defaults to every parameter the objects have, in order of first appearance.
    public init(objects: [PreparedObject], parameterNames: [String]? = nil, classNames: [String] = ClassList.memberNames) {
        self.objects = objects
        self.classNames = classNames
        self.parameterNames = parameterNames ?? {
            var seen = Set<String>(), names: [String] = []
            for o in objects { for key in o.parameters.keys.sorted() where seen.insert(key).inserted { names.append(key) } }
            return names
        }()
    }

    public static let columns = ["id", "source", "ra", "dec", "magnitude", "g_z", "g_r", "u_g", "r_i", "class",
                                 "redshift", "label", "split", "image", "image_wide"]

    public func objects(in split: SplitName) -> [PreparedObject] { objects.filter { $0.split == split } }

    /// Binary membership (background, member): what the catalogue model, the colour regions and the membership
    /// probability are about.
    public var isMembership: Bool { classNames == ClassList.memberNames }

    public static let classesFile = "classes.txt"

    public func csv() -> String {
        func number(_ x: Double?) -> String { x.map { String($0) } ?? "" }
        func quoted(_ s: String?) -> String {
            guard let s else { return "" }
            return s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        // No position (objects found by id alone) is an empty cell.
        func position(_ x: Double) -> String { x.isFinite ? String(x) : "" }
        var lines = [(Self.columns + parameterNames.map { quoted($0) }).joined(separator: ",")]
        for o in objects {
            lines.append([quoted(o.id), o.source, position(o.ra), position(o.dec), number(o.magnitude), number(o.gMinusZ),
                          number(o.gMinusR), number(o.uMinusG), number(o.rMinusI), quoted(o.objectClass),
                          number(o.redshift), String(o.label), o.split.rawValue, quoted(o.image.path),
                          quoted(o.wideImage?.path)].joined(separator: ",")
                         + parameterNames.map { "," + number(o.parameters[$0]) }.joined())
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public func write(to folder: URL, cleaning: String) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try AtomicFile.write(Data(cleaning.utf8), to: folder.appendingPathComponent("cleaning.txt"))
        try AtomicFile.write(Data(csv().utf8), to: folder.appendingPathComponent("objects.csv"))
        try AtomicFile.write(Data((classNames.joined(separator: "\n") + "\n").utf8), to: folder.appendingPathComponent(Self.classesFile))
    }

    /// The class names of a prepared folder: its `classes.txt`, or background and member for a folder written
    /// before classes were recorded.
    static func loadClassNames(from folder: URL) throws -> [String] {
        let file = folder.appendingPathComponent(classesFile)
        guard FileManager.default.fileExists(atPath: file.path) else { return ClassList.memberNames }
        let names = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard names.count >= 2 else {
            throw CatalogError(file: file.path, message: "names \(names.count) class; a dataset needs two or more, one a line (label 0 first)")
        }
        return names
    }

    /// Reads `objects.csv` from a prepared folder; every error names the file, line and column.
    public static func load(from folder: URL) throws -> PreparedDataset {
        let file = folder.appendingPathComponent("objects.csv")
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw CatalogError(file: folder.path, message: "is not a prepared dataset (no objects.csv); run `perseus prepare` first")
        }
        let table = try CatalogTable.readCSV(file)
        if let missing = columns.first(where: { table.columnIndex($0) == nil }) {
            throw CatalogError(file: file.path, column: missing, message: "has no column '\(missing)'")
        }
        func cell(_ row: CatalogTable.Row, _ name: String) -> String? { row.cells[table.columnIndex(name)!] }
        let parameterNames = table.columns.filter { !columns.contains($0) }
        let classNames = try loadClassNames(from: folder)
        return PreparedDataset(objects: try table.rows.map { row in
            func number(_ name: String) throws -> Double? {
                guard let t = cell(row, name) else { return nil }
                guard let v = Double(t) else {
                    throw CatalogError(file: file.path, line: row.line, column: name, message: "'\(t)' is not a number")
                }
                return v
            }
            func required(_ name: String) throws -> String {
                guard let t = cell(row, name) else {
                    throw CatalogError(file: file.path, line: row.line, column: name, message: "is empty")
                }
                return t
            }
            guard let label = Int(try required("label")), let split = SplitName(rawValue: try required("split")) else {
                throw CatalogError(file: file.path, line: row.line, message: "label or split is malformed")
            }
            guard classNames.indices.contains(label) else {
                throw CatalogError(file: file.path, line: row.line, column: "label",
                                   message: "label \(label) is not one of the \(classNames.count) classes of \(classesFile) (0...\(classNames.count - 1))")
            }
            let ra = try number("ra") ?? .nan, dec = try number("dec") ?? .nan
            return PreparedObject(
                id: try required("id"), source: try required("source"), ra: ra, dec: dec,
                magnitude: try number("magnitude"), gMinusZ: try number("g_z"), gMinusR: try number("g_r"),
                uMinusG: try number("u_g"), rMinusI: try number("r_i"), objectClass: cell(row, "class"),
                redshift: try number("redshift"), label: label, split: split,
                image: URL(fileURLWithPath: try required("image")),
                wideImage: cell(row, "image_wide").map { URL(fileURLWithPath: $0) },
                parameters: try parameterNames.reduce(into: [:]) { $0[$1] = try number($1) })
        }, parameterNames: parameterNames, classNames: classNames)
    }
}
