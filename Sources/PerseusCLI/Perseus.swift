import ArgumentParser

@main
struct Perseus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perseus",
        abstract: "Teach convolutional networks to find galaxy-cluster members in survey images.",
        subcommands: [Demo.self, Prepare.self, Train.self, Evaluate.self, Predict.self, Merge.self, ReportCommand.self,
                      Explain.self, Calibrate.self, Study.self, Fetch.self, Inspect.self, ModelCommand.self, Models.self, Embed.self, Similar.self])
}
