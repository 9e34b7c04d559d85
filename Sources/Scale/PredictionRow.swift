import Dataset
import Foundation

/// One row of the input as the predictor sees it: where it is, what it is called, and its cutout, or why it cannot
/// be predicted.
public struct PredictionRow: Sendable, Equatable {
    public var row: Int
    public var id: String
    public var ra: Double?
    public var dec: Double?
    public var image: URL?
    /// Set when the row is recorded without a prediction.
    public var problem: RowProblem?
    /// The catalogue's magnitude and the parameters the run's catalogue model reads, when the input has them.
    public var magnitude: Double?
    public var parameters: [String: Double] = [:]
}

/// Why a row has no prediction; the output's `status` column.
public enum RowProblem: Sendable, Equatable {
    /// No cutout file for the row.
    case noImage(String)
    /// The cutout exists but does not decode.
    case unreadableImage(String)
    /// The catalogue row itself cannot be used (wrong field count, no position, ...).
    case badRow(String)

    public var status: String {
        switch self {
        case .noImage: return "no_image"
        case .unreadableImage: return "unreadable_image"
        case .badRow: return "bad_row"
        }
    }

    public var message: String {
        switch self {
        case .noImage(let m), .unreadableImage(let m), .badRow(let m): return m
        }
    }
}

/// Rows of one shard, in row order, from wherever they come (a catalogue streamed from disk, a folder).
public protocol PredictionRowSource: AnyObject {
    /// The next row of the shard; nil after the last.
    func next() throws -> PredictionRow?
    /// Data rows of the whole input passed so far (all shards'): the input's length once `next()` returned nil.
    var rowsRead: Int { get }
}

extension PredictionRow {
    /// The row as an object to predict (no label); only for a row with a cutout (`problem == nil`).
    public var object: PreparedObject {
        PreparedObject(id: id, source: "catalog", ra: ra ?? .nan, dec: dec ?? .nan, magnitude: magnitude, label: 0,
                       split: .holdout, image: image!, parameters: parameters)
    }
}
