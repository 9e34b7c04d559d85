import Testing
@testable import Dataset

@Suite struct SplitTests {
    let ids = (0..<230).map { "obj\($0)" }
    let labels = (0..<230).map { $0 < 114 ? 1 : 0 }

    @Test func disjointStratifiedDeterministic() {
        let split = splitByObject(ids: ids, labels: labels, options: SplitOptions(seed: 42))
        let all = split.train + split.validation + split.test
        #expect(all.count == 230 && Set(all).count == 230)
        #expect(Set(split.train).isDisjoint(with: split.test) && Set(split.train).isDisjoint(with: split.validation))
        func members(_ s: [Int]) -> Int { s.filter { labels[$0] == 1 }.count }
        // 114 members: 29 test (28.5 rounds up), 21 validation of 85, 64 train; 116 background: 29, 22, 65.
        #expect((members(split.test), split.test.count - members(split.test)) == (29, 29))
        #expect((members(split.validation), split.validation.count - members(split.validation)) == (21, 22))
        #expect((members(split.train), split.train.count - members(split.train)) == (64, 65))
        #expect(splitByObject(ids: ids, labels: labels, options: SplitOptions(seed: 42)) == split)
        #expect(splitByObject(ids: ids, labels: labels, options: SplitOptions(seed: 43)) != split)
    }

    @Test func entriesOfOneObjectStayTogether() {
        // Each object listed three times (as if already rotated): all three land in the same split.
        let rotatedIDs = ids.flatMap { [$0, $0, $0] }
        let rotatedLabels = labels.flatMap { [$0, $0, $0] }
        let split = splitByObject(ids: rotatedIDs, labels: rotatedLabels, options: SplitOptions(seed: 7))
        for part in [split.train, split.validation, split.test] {
            let objects = Set(part.map { rotatedIDs[$0] })
            #expect(part.count == objects.count * 3)
        }
        let trainObjects = Set(split.train.map { rotatedIDs[$0] })
        #expect(trainObjects.isDisjoint(with: Set(split.test.map { rotatedIDs[$0] })))
    }

    @Test func balancing() {
        let skewed = (0..<200).map { $0 < 40 ? 1 : 0 }
        let split = splitByObject(ids: (0..<200).map(String.init), labels: skewed,
                                  options: SplitOptions(seed: 1, balance: true))
        for part in [split.train, split.validation, split.test] {
            let m = part.filter { skewed[$0] == 1 }.count
            #expect(m * 2 == part.count)
        }
    }
}
