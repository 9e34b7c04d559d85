import ArgumentParser

/// `perseus inspect ...`: a user's first check of their own data.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check data before training: what decodes, what parses, and what does not.",
        subcommands: [InspectImages.self])
}
