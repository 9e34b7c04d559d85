import Astro
import Foundation
import Testing
@testable import Scale

@Suite struct ShardTests {
    @Test func parsesAndOwnsRows() throws {
        let shard = try Shard(parsing: "3/4")
        #expect(shard.index == 3 && shard.count == 4)
        #expect((0..<12).filter(shard.owns) == [2, 6, 10])
        #expect(shard.firstOwned(from: 0) == 2)
        #expect(shard.firstOwned(from: 3) == 6)
        #expect(shard.firstOwned(from: 6) == 6)
        #expect(Shard.whole.owns(row: 12345))
        for bad in ["0/4", "5/4", "1/0", "2", "a/b", "1/2/3"] {
            #expect(throws: ShardError.self) { try Shard(parsing: bad) }
        }
    }

    @Test func everyRowBelongsToExactlyOneShard() throws {
        let shards = try (1...7).map { try Shard(index: $0, count: 7) }
        for row in 0..<100 { #expect(shards.filter { $0.owns(row: row) }.count == 1) }
    }

    @Test func csvFieldsStayOnOneLine() {
        #expect(csvField("plain") == "plain")
        #expect(csvField("a,b") == "\"a,b\"")
        #expect(csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(csvField("two\r\nlines\n") == "two  lines ")
    }
}
