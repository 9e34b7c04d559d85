import ArgumentParser
import Foundation
import Survey

/// `perseus fetch`: cutouts from the SDSS SkyServer for every object of a catalogue, or the PCC catalogue itself.
struct Fetch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Download SDSS cutouts for a catalogue's objects (or, with --pcc-catalog, the PCC catalogue).",
        discussion: """
            Cutouts go to DIR/<id>.jpg. Every answer is decoded before it is written (atomically), so a truncated \
            or non-image answer is retried, never kept. Files already present that decode at the right size are \
            skipped without a request: run the same command again to resume. A summary is printed and every \
            object's outcome is written to DIR/fetch-report.csv. The exit status is 1 when some cutouts failed.
            """)

    @Option(help: "The catalogue (PCC export, SDSS CSV or FITS table).")
    var catalog: String?

    @Option(help: "The folder for cutouts (or, with --pcc-catalog, the file to write).")
    var out: String

    @Option(help: "Cutout width and height, pixels (64...2048).")
    var size = 200

    @Option(help: "Arcsec per pixel (SDSS native: 0.396).")
    var scale = 0.1

    @Option(help: "Also fetch a cutout this many pixels wide at the same scale, into DIR-<wide>.")
    var wide: Int?

    @Option(help: "Requests in flight at once.")
    var concurrency = 4

    @Option(help: "Requests started per second, retries included.")
    var rate = 5.0

    @Option(help: "Further attempts after a timeout, connection error, HTTP 5xx/429 or an answer that does not decode.")
    var retries = 5

    @Option(help: "Seconds before an attempt is abandoned (whole seconds).")
    var timeout = 30.0

    @Option(help: "The getjpeg address.")
    var service = CutoutService.sdssDR16.absoluteString

    @Option(help: "Only the first N objects of the catalogue.")
    var limit: Int?

    @Flag(help: "Download the Perseus Cluster Catalog (GAVO Heidelberg) to --out instead of cutouts.")
    var pccCatalog = false

    @Option(help: "Where --pcc-catalog downloads from.")
    var pccURL = PCCDownload.defaultURL.absoluteString

    @Flag(help: "No progress bar.")
    var quiet = false

    func validate() throws {
        if !pccCatalog && catalog == nil { throw ValidationError("give --catalog FILE (or --pcc-catalog)") }
        if pccCatalog && catalog != nil { throw ValidationError("--pcc-catalog downloads a catalogue; drop --catalog") }
    }

    func run() async throws {
        let policy = FetchPolicy(concurrency: concurrency, requestsPerSecond: rate, retries: retries, timeout: timeout)
        if pccCatalog {
            guard let url = URL(string: pccURL) else { throw ValidationError("--pcc-url '\(pccURL)' is not a URL") }
            let file = URL(fileURLWithPath: out)
            let result = try await PCCDownload.download(from: url, to: file, policy: policy)
            print("\(file.path): \(result.rows) PCC rows, \(result.bytes) bytes, \(result.attempts) request(s)")
            for error in result.malformed.prefix(5) { print("  unreadable: \(error)") }
            if result.malformed.count > 5 { print("  ... and \(result.malformed.count - 5) more unreadable lines") }
            return
        }
        guard let endpoint = URL(string: service), endpoint.scheme != nil else {
            throw ValidationError("--service '\(service)' is not a URL")
        }
        var run = CutoutRun(catalog: URL(fileURLWithPath: catalog!), folder: URL(fileURLWithPath: out))
        run.size = size
        run.scale = scale
        run.wide = wide
        run.limit = limit
        run.service = CutoutService(endpoint: endpoint)
        run.policy = policy
        let result = try await run.run(progress: !quiet)
        if !result.unreadableRows.isEmpty {
            print("\(result.unreadableRows.count) catalogue rows left out, e.g. \(result.unreadableRows[0])")
        }
        print(result.report.summary())
        print("report: \(result.reportFile.path)")
        if result.report.failed > 0 { throw ExitCode(1) }
    }
}
