import ArgumentParser

@main
struct Perseus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perseus",
        abstract: "Teach convolutional networks to find galaxy-cluster members in survey images.",
        subcommands: [Inspect.self, Fetch.self])
}
