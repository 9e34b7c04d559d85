import Astro
import Dataset
import Foundation
import Training

/// One row per object: id, ra, dec (deg; empty without the objects or a position), membership probability, its
/// spread over augmentations, predicted label, and the true label when the objects are given. With more than two
/// classes: id, ra, dec, the predicted class's name, its spread, `p_<class>` for every class, and the true class's
/// name. Written as CSV or FITS by `OutputTable.write(to:)`.
public func predictionsTable(_ p: Predictions, objects: [PreparedObject]?, threshold: Double,
                             classNames: [String] = ClassList.memberNames) throws -> OutputTable {
    func position(_ x: Double) -> Double? { x.isFinite ? x : nil }
    var columns: [OutputTable.Column] = [
        .identifiers("id", p.ids),
        .init("ra", unit: "deg", .double(p.ids.indices.map { i in objects.flatMap { position($0[i].ra) } })),
        .init("dec", unit: "deg", .double(p.ids.indices.map { i in objects.flatMap { position($0[i].dec) } })),
    ]
    if classNames.count > 2 {
        let predicted = p.predictedLabels()
        columns.append(.init("label", .text(predicted.map { classNames[$0] })))
        columns.append(.init("spread", .double(p.spread.map { $0 }), decimals: 6))
        for (c, name) in classNames.enumerated() {
            columns.append(.init("p_" + name, .double(p.probabilities.map { $0[c] }), decimals: 6))
        }
        if objects != nil { columns.append(.init("true_label", .text(p.labels.map { classNames[$0] }))) }
        return try OutputTable(columns)
    }
    columns += [
        .init("member_probability", .double(p.memberProbability.map { $0 }), decimals: 6),
        .init("spread", .double(p.spread.map { $0 }), decimals: 6),
        .init("label", .int64(p.memberProbability.map { $0 >= threshold ? 1 : 0 })),
    ]
    if objects != nil { columns.append(.init("true_label", .int64(p.labels.map { Int64($0) }))) }
    return try OutputTable(columns)
}

/// `predictionsTable` as CSV text.
public func predictionsCSV(_ p: Predictions, objects: [PreparedObject]?, threshold: Double,
                           classNames: [String] = ClassList.memberNames) -> String {
    do {
        return try predictionsTable(p, objects: objects, threshold: threshold, classNames: classNames).csv()
    } catch {
        preconditionFailure("predictionsTable: \(error)")  // its columns have one length by construction
    }
}
