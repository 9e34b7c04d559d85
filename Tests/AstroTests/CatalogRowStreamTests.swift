import Foundation
import Testing
@testable import Astro

/// The streaming reader must see exactly the rows the whole-file readers see, whatever the block boundaries.
@Suite struct CatalogRowStreamTests {
    static let csv = "#Table1\r\n\r\n,name,ra,dec,modelMag_r,note\r\n0,A,10.5,20,18.5,plain\r\n"
        + "1,B,11,21,N/A,\"quoted, with \"\"comma\"\"\"\n\n2,C,12,22,19,\"spans\ntwo lines\"\n"
        + "3,D,13,23\n4,E,14,24,17,\"last\"\n5,F,15,bad,16,x"

    static func streamed(_ url: URL, blockSize: Int) throws -> (CatalogRowStream, [StreamedRow]) {
        let stream = try CatalogRowStream(url: url, blockSize: blockSize)
        var rows: [StreamedRow] = []
        while let row = try stream.next() { rows.append(row) }
        return (stream, rows)
    }

    @Test(arguments: [1, 2, 3, 7, 64, 65536])
    func csvMatchesWholeFileReader(blockSize: Int) throws {
        let url = try temporaryFile("stream.csv", Self.csv)
        let table = try CatalogTable.readCSV(url)
        let (stream, rows) = try Self.streamed(url, blockSize: blockSize)
        #expect(stream.columns == table.columns)
        #expect(stream.format == .csv)
        // Whole-file reader: good rows plus malformed rows; the stream numbers both in file order.
        let good = rows.filter { $0.malformed == nil }
        #expect(good.map(\.line) == table.rows.map(\.line))
        #expect(good.map(\.cells) == table.rows.map(\.cells))
        #expect(rows.compactMap(\.malformed) == table.malformed)
        #expect(rows.map(\.index) == Array(0..<6))
        #expect(stream.rowsRead == 6)
        #expect(rows[3].malformed?.line == 9)

        let typed = Catalog.objects(rows, of: stream)
        let whole = try Catalog(table: table, policy: .skip)
        let objects = typed.compactMap { try? $0.get() }
        #expect(objects == whole.objects)
        #expect(objects.map(\.id) == ["A", "B", "C", "E"])
        if case .failure(let error) = typed[5] { #expect(error.column == "dec") } else { Issue.record("row F should fail on its dec") }
    }

    /// `skip()` numbers rows exactly as `next()` does, so a shard that skips other shards' rows reads its own
    /// rows unchanged, whatever the block boundaries (quotes, doubled quotes, CR LF and blank lines across them).
    @Test(arguments: [1, 2, 5, 65536])
    func skippingNumbersRowsAsReading(blockSize: Int) throws {
        let text = Self.csv + "\n\"  \"\n6,G,16,26,15,\"a \"\"q\"\" b\"\r\n\r\n7,H,17,27,14,\"x\r\ny\"\r\n"
        let url = try temporaryFile("skip.csv", text)
        let (_, all) = try Self.streamed(url, blockSize: blockSize)
        #expect(all.count == 8)
        for stride in 1...3 {
            for offset in 0..<stride {
                let stream = try CatalogRowStream(url: url, blockSize: blockSize)
                var kept: [StreamedRow] = []
                while true {
                    if stream.rowsRead % stride == offset {
                        guard let row = try stream.next() else { break }
                        kept.append(row)
                    } else if try !stream.skip() { break }
                }
                let expected = all.filter { $0.index % stride == offset }
                #expect(kept.map(\.index) == expected.map(\.index))
                #expect(kept.map(\.line) == expected.map(\.line))
                #expect(kept.map(\.cells) == expected.map(\.cells))
                #expect(stream.rowsRead == all.count)
            }
        }
        let pcc = try temporaryFile("skip.txt", "# c\n  a  b\n\n \t\r\n  # not a row\nc  d\r\n")
        let stream = try CatalogRowStream(url: pcc, blockSize: blockSize)
        var skipped = 0
        while try stream.skip() { skipped += 1 }
        #expect(skipped == 2)
    }

    @Test func pccMatchesWholeFileReader() throws {
        let fields21 = ["PCC-0001", "1", "49.9", "41.5", "18.2"] + (6...19).map { "\($0)" } + ["dE", "http://x/1"]
        let fields22 = ["PCC-0002", "2", "50.0", "41.6", "N/A"] + (6...19).map { "\($0)" } + ["dE, N", "yes", "http://x/2"]
        let text = "# comment\n" + fields21.joined(separator: "  ") + "\n\n" + "only  three  fields\n"
            + fields22.joined(separator: "   ") + "\n"
        let url = try temporaryFile("pcc.txt", text)
        let table = try CatalogTable.readPCC(url)
        for blockSize in [1, 5, 4096] {
            let (stream, rows) = try Self.streamed(url, blockSize: blockSize)
            #expect(stream.format == .pcc)
            let good = rows.filter { $0.malformed == nil }
            #expect(good.map(\.cells) == table.rows.map(\.cells))
            #expect(good.map(\.line) == table.rows.map(\.line))
            #expect(rows.map(\.index) == [0, 1, 2])
            #expect(rows[1].malformed?.line == 4)
        }
    }

    @Test func missingPositionColumnIsRefusedAtOpen() throws {
        let url = try temporaryFile("nopos.csv", "name,ra\nA,1\n")
        let error = #expect(throws: CatalogError.self) { try CatalogRowStream(url: url) }
        #expect(error?.column == "dec")
    }

    @Test func unterminatedQuoteNamesItsLine() throws {
        let url = try temporaryFile("open.csv", "name,ra,dec\nA,1,2\nB,\"3,4\n")
        let stream = try CatalogRowStream(url: url, blockSize: 4)
        _ = try stream.next()
        let error = #expect(throws: CatalogError.self) { try stream.next() }
        #expect(error?.line == 3)
    }
}
