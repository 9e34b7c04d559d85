import Foundation
import Testing
@testable import Dataset

/// `prepare --folds K`: every object but the held-out ones is tested by exactly one fold, each fold has every class
/// in proportion, a fold's training and validation objects are never its test objects, and the classes are kept.
@Suite struct CrossValidationTests {
    @Test func everyObjectIsTestedOnceAndTheClassesAreKept() {
        let classes = ["a", "b", "c"]
        var objects = (0..<90).map { i in
            PreparedObject(id: "o\(i)", source: "catalog", ra: 0, dec: 0, label: i % 3 == 0 ? 2 : i % 2,
                           split: .train, image: URL(fileURLWithPath: "/x/o\(i).png"))
        }
        for i in 0..<6 { objects[i].split = .holdout }
        let dataset = PreparedDataset(objects: objects, classNames: classes)
        let folds = dataset.crossValidationDatasets(folds: 3, seed: 5)
        #expect(folds.count == 3)
        var tested: [String: Int] = [:]
        for fold in folds {
            #expect(fold.classNames == classes)
            #expect(fold.objects.map(\.id) == objects.map(\.id))
            #expect(fold.objects.prefix(6).allSatisfy { $0.split == .holdout })
            let test = fold.objects.filter { $0.split == .test }
            for o in test { tested[o.id, default: 0] += 1 }
            let rest = Set(fold.objects.filter { $0.split == .train || $0.split == .validation }.map(\.id))
            #expect(rest.isDisjoint(with: test.map(\.id)) && rest.count + test.count == 84)
            for label in 0..<3 {
                let inPool = objects.dropFirst(6).filter { $0.label == label }.count
                #expect(abs(Double(test.filter { $0.label == label }.count) - Double(inPool) / 3) <= 1)
            }
        }
        #expect(tested.count == 84 && tested.values.allSatisfy { $0 == 1 })
        #expect(dataset.crossValidationDatasets(folds: 3, seed: 5).map { $0.objects.map(\.split) } == folds.map { $0.objects.map(\.split) })
    }
}
