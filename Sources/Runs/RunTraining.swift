import Dataset
import Foundation
import Training

/// Trains on a prepared dataset's train and validation splits, logging to the terminal and the run's log.
/// Then fits the run's catalogue model when its configuration asks for one.
public func train(_ configuration: TrainingConfiguration, on dataset: PreparedDataset, in run: RunFolder,
                  resume: Bool, quiet: Bool = false) throws -> TrainingOutcome {
    guard configuration.classes == dataset.classNames else {
        throw ConfigurationError(message: "the run's classes (\(configuration.classes.joined(separator: ", "))) are not the dataset's (\(dataset.classNames.joined(separator: ", "))); train a new run on this dataset")
    }
    func samples(_ objects: [PreparedObject]) -> SampleSet {
        SampleSet(objects: objects, inputSize: configuration.inputSize, grey: configuration.grey,
                  channels: configuration.bands, magnitudePlane: configuration.magnitudeInput)
    }
    let draws = configuration.trainingDraws(dataset.objects(in: .train))
    let trainer = Trainer(configuration: configuration, run: run, training: samples(draws),
                          validation: samples(dataset.objects(in: .validation)))
    trainer.showProgressBar = !quiet
    trainer.report = { line in
        if !quiet { print(line); fflush(nil) }  // flush every stream: keeps order with print() when piped
        run.appendLog(line)
    }
    if configuration.distillationWeight > 0 {
        guard dataset.isMembership, !dataset.parameterNames.isEmpty else {
            throw ConfigurationError(message: "distillationWeight: the teacher is the catalogue's trees on membership, so the dataset needs the classes background, member and parameter columns (prepare with --parameters)")
        }
        let teacher = try CatalogueTeacher.probabilities(training: dataset.objects(in: .train),
                                                         parameters: dataset.parameterNames)
        trainer.teacher = draws.map { teacher[$0.id] }
        trainer.report("distillation: \(teacher.count) of \(Set(draws.map(\.id)).count) training objects have the catalogue trees' out-of-fold probability as a soft target (weight \(configuration.distillationWeight)); the rest their label")
    }
    let outcome = try trainer.fit(resume: resume)
    if configuration.catalogueModel {
        // The catalogue model combines membership log-odds: it has nothing to say about other classes.
        trainer.report(dataset.isMembership ? try CatalogueModel.fitAfterTraining(run: run, dataset: dataset)
                       : "catalogue model skipped: it judges membership (background, member), and this run's classes are \(dataset.classNames.joined(separator: ", "))")
    }
    return outcome
}
