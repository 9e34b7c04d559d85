import ArgumentParser

@main
struct Perseus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perseus",
        abstract: "Teach convolutional networks to find galaxy-cluster members in survey images.",
        subcommands: [Inspect.self, Demo.self, ModelCommand.self])
}
