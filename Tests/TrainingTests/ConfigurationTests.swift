import Dataset
import Files
import Foundation
import Testing
@testable import Training

@Suite struct ConfigurationTests {
    @Test func yamlOverridesOnlyWhatItNames() throws {
        let config = try TrainingConfiguration.load(yaml: "model: resnet10\nepochs: 3\nclassWeights: [1, 2]\n",
                                                    source: "c.yaml")
        var expected = TrainingConfiguration()
        expected.model = .resnet10
        expected.epochs = 3
        expected.classWeights = [1, 2]
        #expect(config == expected)
        // The resolved configuration written to a run folder reads back the same.
        #expect(try TrainingConfiguration.load(yaml: config.yaml(), source: "round trip") == config)
    }

    @Test func malformedConfigurationsSayWhatToFix() throws {
        #expect { try TrainingConfiguration.load(yaml: "epocs: 3", source: "c.yaml") } throws: {
            "\($0)".contains("unknown setting 'epocs'")
        }
        #expect { try TrainingConfiguration.load(yaml: "epochs: many", source: "c.yaml") } throws: {
            "\($0)".contains("epochs")
        }
        #expect { try TrainingConfiguration.load(yaml: "- a\n- b", source: "c.yaml") } throws: {
            "\($0)".contains("mapping")
        }
        // A setting with fixed choices names itself, the value and the choices.
        #expect { try TrainingConfiguration.load(yaml: "model: resnet19", source: "c.yaml") } throws: {
            "\($0)".contains("unknown model 'resnet19'") && "\($0)".contains("vit-tiny")
        }
        #expect { try TrainingConfiguration.load(yaml: "optimizer: sgdd", source: "c.yaml") } throws: {
            "\($0)".contains("unknown optimizer 'sgdd'") && "\($0)".contains("adamw")
        }
        for (yaml, named) in ["emaDecay: 1.0": "emaDecay", "auxiliaryWeight: -1": "auxiliaryWeight",
                              "{auxiliaryWeight: 0.5, model: vit-tiny}": "needs a resnet"] {
            #expect { try TrainingConfiguration.load(yaml: yaml, source: "c.yaml").validate() } throws: { "\($0)".contains(named) }
        }
    }

    @Test func brightObjectsAreDrawnBrightRepeatsTimes() throws {
        func object(_ id: String, _ magnitude: Double?) -> PreparedObject {
            PreparedObject(id: id, source: "catalog", ra: 0, dec: 0, magnitude: magnitude, label: 0, split: .train,
                           image: URL(fileURLWithPath: "/\(id).jpg"))
        }
        let objects = [object("bright", 17.2), object("edge", 19.4), object("faint", 21.0), object("unknown", nil)]
        var config = try TrainingConfiguration.load(yaml: "brightRepeats: 3\n", source: "c.yaml")
        #expect(config.trainingDraws(objects).map(\.id) == ["bright", "bright", "bright", "edge", "edge", "edge", "faint", "unknown"])
        config.brightMagnitude = 18
        #expect(config.trainingDraws(objects).map(\.id) == ["bright", "bright", "bright", "edge", "faint", "unknown"])
        #expect(TrainingConfiguration().trainingDraws(objects).map(\.id) == objects.map(\.id))
        // Nothing faint to weigh the bright objects against: drawn once each.
        #expect(config.trainingDraws(Array(objects.prefix(1))).map(\.id) == ["bright"])
        config.brightRepeats = 0
        #expect { try config.validate() } throws: { "\($0)".contains("brightRepeats") }
    }

    @Test func runFolderIsNeverOverwrittenWithoutForce() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("perseus-run-\(UUID())")
        defer { try? FileManager.default.removeItem(at: url) }
        let run = try RunFolder.create(at: url, force: false)
        try AtomicFile.write(Data("model: resnet10\n".utf8), to: run.configuration)
        #expect { try RunFolder.create(at: url, force: false) } throws: { "\($0)".contains("--force") }
        #expect(FileManager.default.fileExists(atPath: run.configuration.path))
        _ = try RunFolder.create(at: url, force: true)
        #expect(!FileManager.default.fileExists(atPath: run.configuration.path))
    }

    @Test func metricsRoundTrip() throws {
        let rows = [EpochMetrics(epoch: 1, learningRate: 0.08, trainLoss: 0.7, trainAccuracy: 0.5,
                                 validationLoss: 0.69, validationAccuracy: 0.55, seconds: 12.5)]
        #expect(try EpochMetrics.parse(csv: EpochMetrics.csv(rows), source: "m.csv") == rows)
        #expect(throws: ConfigurationError.self) { try EpochMetrics.parse(csv: "a,b\n", source: "m.csv") }
    }
}

@Suite struct RecipeTests {
    @Test func yamlAppliesOverARecipe() throws {
        let config = try TrainingConfiguration.load(yaml: "epochs: 5\n", source: "c.yaml", over: .recipe)
        var expected = TrainingConfiguration.recipe
        expected.epochs = 5
        #expect(config == expected)
        try config.validate()
    }
}

@Suite struct LargeSeedTests {
    /// A seed past Int64's range survives a YAML file (it once went through a Double and was refused).
    @Test func theLargestSeedReadsBack() throws {
        let config = try TrainingConfiguration.load(yaml: "seed: 18446744073709551615\n", source: "c.yaml", over: .recipe)
        #expect(config.seed == UInt64.max)
        #expect(config.model == TrainingConfiguration.recipe.model)
    }
}
