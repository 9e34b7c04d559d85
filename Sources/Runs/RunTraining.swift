import Dataset
import Foundation
import Training

/// Trains on a prepared dataset's train and validation splits, logging to the terminal and the run's log.
/// Then fits the run's catalogue model when its configuration asks for one.
public func train(_ configuration: TrainingConfiguration, on dataset: PreparedDataset, in run: RunFolder,
                  resume: Bool, quiet: Bool = false) throws -> TrainingOutcome {
    func samples(_ objects: [PreparedObject]) -> SampleSet {
        SampleSet(objects: objects, inputSize: configuration.inputSize, grey: configuration.grey,
                  channels: configuration.inputChannels)
    }
    let trainer = Trainer(configuration: configuration, run: run,
                          training: samples(configuration.trainingDraws(dataset.objects(in: .train))),
                          validation: samples(dataset.objects(in: .validation)))
    trainer.showProgressBar = !quiet
    trainer.report = { line in
        if !quiet { print(line); fflush(nil) }  // flush every stream: keeps order with print() when piped
        run.appendLog(line)
    }
    let outcome = try trainer.fit(resume: resume)
    if configuration.catalogueModel { trainer.report(try CatalogueModel.fitAfterTraining(run: run, dataset: dataset)) }
    return outcome
}
