import Astro
import Dataset
import Foundation
import Training

/// One row per object: id, ra, dec (deg; empty without the objects), membership probability, its spread over
/// augmentations, predicted label, and the true label when the objects are given. Written as CSV or FITS by
/// `OutputTable.write(to:)`.
public func predictionsTable(_ p: Predictions, objects: [PreparedObject]?, threshold: Double) throws -> OutputTable {
    var columns: [OutputTable.Column] = [
        .identifiers("id", p.ids),
        .init("ra", unit: "deg", .double(p.ids.indices.map { i in objects.map { $0[i].ra } })),
        .init("dec", unit: "deg", .double(p.ids.indices.map { i in objects.map { $0[i].dec } })),
        .init("member_probability", .double(p.memberProbability.map { $0 }), decimals: 6),
        .init("spread", .double(p.spread.map { $0 }), decimals: 6),
        .init("label", .int64(p.memberProbability.map { $0 >= threshold ? 1 : 0 })),
    ]
    if objects != nil { columns.append(.init("true_label", .int64(p.labels.map { Int64($0) }))) }
    return try OutputTable(columns)
}

/// `predictionsTable` as CSV text.
public func predictionsCSV(_ p: Predictions, objects: [PreparedObject]?, threshold: Double) -> String {
    do {
        return try predictionsTable(p, objects: objects, threshold: threshold).csv()
    } catch {
        preconditionFailure("predictionsTable: \(error)")  // its columns have one length by construction
    }
}
