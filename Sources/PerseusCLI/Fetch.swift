import ArgumentParser
import Foundation
import Survey

/// `perseus fetch`: cutouts from SDSS, the Legacy Surveys or any HiPS survey for every object of a catalogue, or the
/// PCC catalogue itself.
struct Fetch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Download cutouts (SDSS, Legacy Surveys, HiPS) for a catalogue's objects (or, with --pcc-catalog, the PCC catalogue).",
        discussion: """
            Cutouts go to DIR/<id>.jpg (.fits, .png for those formats). --survey legacy asks the Legacy Surveys \
            viewer (--layer, --bands for FITS cubes); --survey hips asks CDS hips2fits for the HiPS --hips. A blank \
            answer or one missing bands is reported as "no coverage" (outside the survey's footprint). Every answer is decoded before it is written (atomically), so a truncated \
            or non-image answer is retried, never kept. Files already present that decode at the right size are \
            skipped without a request: run the same command again to resume. A summary is printed and every \
            object's outcome is written to DIR/fetch-report.csv. The exit status is 1 when some cutouts failed.
            """)

    @Option(help: "The catalogue (PCC export, SDSS CSV or FITS table).") var catalog: String?
    @Option(help: "The folder for cutouts (or, with --pcc-catalog, the file to write).") var out: String
    @Option(help: "Cutout width and height, pixels (64...2048).") var size = 200
    @Option(help: "Arcsec per pixel (SDSS native: 0.396).") var scale = 0.1
    @Option(help: "Also fetch a cutout this many pixels wide at the same scale, into DIR-<wide>.") var wide: Int?
    @Option(help: "Requests in flight at once.") var concurrency = 4
    @Option(help: "Requests started per second, retries included.") var rate = 5.0
    @Option(help: "Further attempts after a timeout, connection error, HTTP 5xx/429 or an answer that does not decode.") var retries = 5
    @Option(help: "Seconds before an attempt is abandoned (whole seconds).") var timeout = 30.0
    @Option(help: "The survey: sdss (SkyServer getjpeg), legacy (Legacy Surveys viewer) or hips (CDS hips2fits).") var survey = "sdss"
    @Option(help: "File format: jpg, or fits (legacy, hips) or png (hips). Default: jpg for sdss, fits otherwise.") var format: String?
    @Option(help: "Legacy Surveys layer, e.g. ls-dr10, ls-dr9-north.") var layer = "ls-dr10"
    @Option(help: "Legacy Surveys FITS bands, in plane order.") var bands = "grz"
    @Option(help: "HiPS id for --survey hips, e.g. CDS/P/PanSTARRS/DR1/r.") var hips: String?
    @Option(help: "hips2fits projection.") var projection = "TAN"
    @Option(help: "The service's address (default: the survey's public one).") var service: String?
    @Option(help: "Only the first N objects of the catalogue.") var limit: Int?
    @Flag(help: "Download the Perseus Cluster Catalog (GAVO Heidelberg) to --out instead of cutouts.") var pccCatalog = false
    @Option(help: "Where --pcc-catalog downloads from.") var pccURL = PCCDownload.defaultURL.absoluteString
    @Flag(help: "No progress bar.") var quiet = false

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
        var endpoint: URL?
        if let service {
            guard let url = URL(string: service), url.scheme != nil else { throw ValidationError("--service '\(service)' is not a URL") }
            endpoint = url
        }
        let chosen = try format.map { name in
            guard let f = CutoutService.Format(rawValue: name.lowercased()) else {
                throw ValidationError("--format '\(name)': choose jpg, fits or png")
            }
            return f
        }
        let kind: CutoutService.Survey
        switch survey.lowercased() {
        case "sdss":
            guard chosen ?? .jpg == .jpg else { throw ValidationError("SkyServer cuts JPEGs only: drop --format") }
            kind = .sdss
        case "legacy": kind = .legacy(layer: layer, bands: bands.map(String.init), format: chosen ?? .fits)
        case "hips":
            guard let hips else { throw ValidationError("--survey hips needs --hips ID, e.g. CDS/P/PanSTARRS/DR1/r") }
            kind = .hips(id: hips, projection: projection, format: chosen ?? .fits)
        default: throw ValidationError("--survey '\(survey)': choose sdss, legacy or hips")
        }
        var run = CutoutRun(catalog: URL(fileURLWithPath: catalog!), folder: URL(fileURLWithPath: out))
        run.size = size
        run.scale = scale
        run.wide = wide
        run.limit = limit
        run.service = try CutoutService(survey: kind, endpoint: endpoint)
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
