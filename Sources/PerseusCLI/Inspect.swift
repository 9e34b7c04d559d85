import ArgumentParser

/// `perseus inspect`: a user's first check of their own data.
/// (Minimal group created by the astro helper; the imaging helper owns this file and adds `images`.)
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check catalogues and images before using them.",
        subcommands: [InspectCatalog.self])
}
