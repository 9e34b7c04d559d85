import ArgumentParser

@main
struct Perseus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perseus",
        abstract: "Teach convolutional networks to find galaxy-cluster members in survey images.",
        subcommands: [Demo.self, Inspect.self, ModelCommand.self])
}
