// The red-sequence fit on the real spectroscopic cluster members (skipped without ../shared/data/perseus).
import Foundation
import Testing
@testable import Evaluation

/// `../shared/data/perseus` beside the package root, or $PERSEUS_DATA.
let perseusData: URL = {
    if let path = ProcessInfo.processInfo.environment["PERSEUS_DATA"] { return URL(fileURLWithPath: path) }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return root.appendingPathComponent("../shared/data/perseus").standardizedFileURL
}()

let radialSearch = perseusData.appendingPathComponent("spec/radial_search_90arcmin.csv")

@Suite(.enabled(if: FileManager.default.fileExists(atPath: radialSearch.path), "needs ../shared/data/perseus"))
struct RealDataTests {
    /// Extinction-corrected r and g-z of the spectroscopic cluster members (0.01 < z < 0.033) of the 90 arcmin search.
    func clusterMembers() throws -> (r: [Double], gz: [Double]) {
        let lines = try String(contentsOf: radialSearch, encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst()  // "#Table1"
        let header = lines.first!.split(separator: ",").map(String.init)
        let (ir, igz, iz) = (header.firstIndex(of: "r0")!, header.firstIndex(of: "g_z0")!, header.firstIndex(of: "z")!)
        var r: [Double] = [], gz: [Double] = []
        for line in lines.dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            guard let m = Double(f[ir]), let c = Double(f[igz]), let z = Double(f[iz]), z > 0.01, z < 0.033 else { continue }
            r.append(m); gz.append(c)
        }
        return (r, gz)
    }

    @Test func clusterRedSequenceHasTheUsualTilt() throws {
        let (r, gz) = try clusterMembers()
        #expect(r.count > 200)
        let fit = try RedSequence.fit(magnitude: r, colour: gz, options: .init(magnitudeRange: 12...19))
        // Early-type galaxies get bluer as they get fainter: a small negative slope and a tight sequence.
        #expect(fit.slope < -0.02 && fit.slope > -0.2, "slope \(fit.slope)")
        #expect(fit.scatter > 0.02 && fit.scatter < 0.15, "scatter \(fit.scatter)")
        #expect(fit.colour(atMagnitude: 15) > 1.2 && fit.colour(atMagnitude: 15) < 1.7)
        #expect(fit.kept.filter { $0 }.count > r.count / 2)
    }
}
