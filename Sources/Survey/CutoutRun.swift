import Astro
import Foundation

/// `perseus fetch --catalog` (any `--survey`): reads a catalogue, plans its cutouts, fetches them and writes the report to
/// `<folder>/fetch-report.csv`.
public struct CutoutRun: Sendable {
    public var catalog: URL
    public var folder: URL
    public var size = 200
    /// Arcsec per pixel (0.1: the study's 200 px cover 20 arcsec).
    public var scale = 0.1
    /// Also a `wide`-pixel cutout at the same scale, into `wideFolder` (default `<folder>-<wide>`).
    public var wide: Int?
    public var wideFolder: URL?
    /// Only the first `limit` objects.
    public var limit: Int?
    public var service = CutoutService()
    public var policy = FetchPolicy()

    public init(catalog: URL, folder: URL) {
        self.catalog = catalog
        self.folder = folder
    }

    public struct Result: Sendable {
        public var report: FetchReport
        /// Catalogue rows that could not be read (no position, ...), left out.
        public var unreadableRows: [CatalogError]
        public var reportFile: URL
    }

    public static let reportName = "fetch-report.csv"

    public func run(progress: Bool = false) async throws -> Result {
        if let limit, limit < 0 { throw FetchError("limit must be 0 or more, not \(limit)") }
        let table = try Catalog.read(catalog, policy: .skip)
        let objects = limit.map { Array(table.objects.prefix($0)) } ?? table.objects
        let cutouts = try Cutout.plan(objects, folder: folder, size: size, scale: scale, wide: wide, wideFolder: wideFolder,
                                      service: service)
        let fetcher = try CutoutFetcher(service: service, policy: policy)
        let report = try await fetcher.fetch(cutouts, progress: progress)
        let reportFile = folder.appendingPathComponent(Self.reportName)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try report.write(to: reportFile)
        return Result(report: report, unreadableRows: table.skipped, reportFile: reportFile)
    }
}
