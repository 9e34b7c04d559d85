import Astro
import Foundation
import Imaging
import NN
import Training

/// What one run of a reader on one input came to. A crash or a hang never returns: the supervising process sees it.
public enum Outcome: Sendable, Equatable {
    case ok
    /// A thrown error: `kind` is its type (and case), `named` whether its message names the input, as every
    /// reader's errors should.
    case error(kind: String, named: Bool, message: String)
}

/// Every reader of outside bytes, run the way the program runs it on a file.
public enum FuzzTarget: String, CaseIterable, Sendable {
    case jpeg, png
    case fitsImage = "fits-image"
    case pcc, csv
    case fitsTable = "fits-table"
    case safetensors, yaml

    /// The name errors must carry: the input's stand-in file name.
    public static let inputName = "fuzz-input"

    /// Text-level mutations suit the text formats and FITS (80-character ASCII header cards).
    public var textWeight: Double {
        switch self {
        case .pcc, .csv, .yaml: 0.6
        case .fitsImage, .fitsTable: 0.35
        case .jpeg, .png, .safetensors: 0.05
        }
    }

    /// Runs the reader on `bytes`. `scratch` is a file the FITS table reader (which opens paths) may overwrite.
    public func run(_ bytes: [UInt8], scratch: URL) -> Outcome {
        do {
            try read(bytes, scratch: scratch)
            return .ok
        } catch {
            let text = "\(error)"
            let name = self == .fitsTable ? scratch.path : Self.inputName
            return .error(kind: Self.kind(of: error), named: text.contains(name), message: text)
        }
    }

    /// Reads `bytes` as this target's format, throwing the reader's error.
    public func read(_ bytes: [UInt8], scratch: URL) throws {
        let name = Self.inputName
        switch self {
        case .jpeg, .png, .fitsImage:
            _ = try Image(decoding: Data(bytes), name: name)
        case .pcc:
            let table = CatalogTable.parsePCC(try Self.utf8(bytes), source: name)
            _ = try Catalog(table: table, mapping: .pcc, policy: .skip)
            _ = try Catalog(table: table, mapping: .pcc, policy: .stop)
        case .csv:
            let table = try CatalogTable.parseCSV(try Self.utf8(bytes), source: name)
            _ = try Catalog(table: table, policy: .skip)
            _ = try Catalog(table: table, policy: .stop)
        case .fitsTable:
            try Data(bytes).write(to: scratch)
            let table = try CatalogTable.read(scratch)  // sniffs the format as `perseus` does
            _ = try Catalog(table: table, policy: .skip)
        case .safetensors:
            let file = try SafeTensors(data: Data(bytes), source: name)
            _ = file.encoded()
        case .yaml:
            try TrainingConfiguration.load(yaml: try Self.utf8(bytes), source: name).validate()
        }
    }

    /// Text readers read whole files as UTF-8, as `String(contentsOf:encoding:)` does.
    static func utf8(_ bytes: [UInt8]) throws -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw NotText() }
        return text
    }

    /// What reading a text file that is not UTF-8 gives (Foundation's error in the program, this here).
    struct NotText: Error, CustomStringConvertible {
        var description: String { "\(FuzzTarget.inputName): is not UTF-8 text" }
    }

    static func kind(of error: Error) -> String {
        switch error {
        case let e as ImageError: "ImageError.\(e.kind.rawValue)"
        case let e as CheckpointError:
            switch e {
            case .malformed: "CheckpointError.malformed"
            case .mismatch: "CheckpointError.mismatch"
            case .io: "CheckpointError.io"
            }
        default: String(describing: type(of: error))
        }
    }
}
