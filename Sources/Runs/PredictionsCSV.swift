import Dataset
import Foundation
import Training

/// One row per object: id, ra, dec, membership probability, its spread over augmentations, predicted label.
public func predictionsCSV(_ p: Predictions, objects: [PreparedObject]?, threshold: Double) -> String {
    var lines = ["id,ra,dec,member_probability,spread,label" + (objects != nil ? ",true_label" : "")]
    for i in p.ids.indices {
        let position = objects.map { "\($0[i].ra),\($0[i].dec)" } ?? ","
        let label = p.memberProbability[i] >= threshold ? 1 : 0
        lines.append("\(p.ids[i]),\(position),\(String(format: "%.6f", p.memberProbability[i])),\(String(format: "%.6f", p.spread[i])),\(label)"
                     + (objects != nil ? ",\(p.labels[i])" : ""))
    }
    return lines.joined(separator: "\n") + "\n"
}
