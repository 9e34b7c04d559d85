import Foundation
import Testing
import Runs
import Training
@testable import Scale

/// `perseus predict --no-catalogue-model` writes the network alone, as `evaluate --no-catalogue-model` judges it:
/// with a catalogue model in the run, rows with parameters change without the flag and equal the network with it.
@Suite(.serialized, .enabled(if: perseusBinary != nil, "needs the built perseus binary next to the tests (swift build) or PERSEUS_BIN"))
struct PredictNetworkAloneTests {
    @Test func noCatalogueModelGivesTheNetworkAlone() throws {
        let f = try fixture()
        let catalog = try f.parameterCatalogue(rows: 30, name: "network-alone.csv")

        // A copy of the fixture's run with a catalogue model beside its network.
        let run = f.folder.appendingPathComponent("run-with-catalogue-model")
        try? FileManager.default.removeItem(at: run)
        try FileManager.default.copyItem(at: f.run, to: run)
        try Fixture.catalogueModel().save(in: RunFolder.open(run))

        func predict(_ run: URL, _ name: String, _ extra: [String]) throws -> [Double] {
            let out = f.folder.appendingPathComponent(name)
            let process = Process()
            process.executableURL = perseusBinary!
            process.arguments = ["predict", "--run", run.path, "--catalog", catalog.path, "--images", f.folder.path,
                                 "--image-column", "file", "--out", out.path, "--threads", "1", "--quiet", "--force"] + extra
            process.standardOutput = FileHandle.nullDevice
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            try #require(process.terminationStatus == 0, "perseus predict \(extra): \(said)")
            let rows = try lines(out).filter { !$0.isEmpty }.map { $0.split(separator: ",", omittingEmptySubsequences: false) }
            let column = try #require(rows.first?.firstIndex(of: "member_probability"), "no member_probability column")
            return rows.dropFirst().map { Double($0[column])! }
        }
        let network = try predict(f.run, "alone-plain.csv", [])
        let combined = try predict(run, "alone-combined.csv", [])
        let alone = try predict(run, "alone-flag.csv", ["--no-catalogue-model"])
        #expect(network.count == 30)
        #expect(alone == network)
        for r in 0..<30 {
            if r % 2 == 0 { #expect(combined[r] != network[r], "row \(r) has a parameter") } else { #expect(combined[r] == network[r], "row \(r)") }
        }
    }
}
