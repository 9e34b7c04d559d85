import Foundation
import Imaging
import Testing
@testable import Survey

/// The Legacy Surveys viewer and CDS hips2fits through the same fetcher as SkyServer (politeness, retries,
/// validation, resumption, report), against local mocks that answer, fail, stall and refuse as the services do.
@Suite(.serialized)
struct SurveyServiceTests {
    func legacy(_ server: LocalServer, _ format: CutoutService.Format = .fits, bands: String = "grz") throws -> CutoutService {
        try CutoutService(survey: .legacy(layer: "ls-dr10", bands: bands.map(String.init), format: format), endpoint: server.legacyViewer)
    }

    func hips(_ id: String, _ server: LocalServer, _ format: CutoutService.Format = .fits) throws -> CutoutService {
        try CutoutService(survey: .hips(id: id, projection: "TAN", format: format), endpoint: server.hips2fits)
    }

    @Test func legacyFITSCubesKeepTheirHeaderWithTheBandOrder() async throws {
        // The second object's cube comes without band names: the fetcher records the order it asked for.
        let folder = try scratchFolder()
        let unnamed = "\(cutouts(2, in: folder, service: CutoutService())[1].ra)"
        let server = try LocalServer { request, _ in SurveyMock.legacy(request, named: request.query["ra"] != unnamed) }
        defer { server.stop() }
        let service = try legacy(server)
        let wanted = cutouts(2, in: folder, service: service)
        #expect(wanted.map { "\($0.ra)" }.contains(unnamed))
        let report = try await CutoutFetcher(service: service, policy: testPolicy()).fetch(wanted)
        #expect(report.fetched == 2 && report.failed == 0)
        let request = try #require(server.requests.first)
        #expect(request.path == "/viewer/cutout.fits")
        #expect(request.query["layer"] == "ls-dr10" && request.query["pixscale"] == "0.262")
        #expect(request.query["size"] == "64" && request.query["bands"] == "grz")
        #expect(folderNames(folder) == ["PCC-0001.fits", "PCC-0002.fits"])
        for cutout in wanted {
            let data = try Data(contentsOf: cutout.file)
            #expect(FITSHeader.bandNames(data) == ["g", "r", "z"])
            #expect(FITSHeader.cards(data)?.contains { $0.key == "SURVEY" && $0.value == "mock" } == true, "the service's header is kept")
            let image = try Image(contentsOf: cutout.file)
            #expect(image.channels == 3 && image.width == 64)
        }
        // Resumption: the files (band cards included) are accepted as they are; no request is made.
        let before = server.requests.count
        let again = try await CutoutFetcher(service: service, policy: testPolicy()).fetch(wanted)
        #expect(again.skipped == 2 && server.requests.count == before)
    }

    @Test func legacyOutsideTheFootprintIsNoCoverageNotAnImage() async throws {
        let server = try LocalServer { request, _ in SurveyMock.legacy(request) }
        defer { server.stop() }
        for format in [CutoutService.Format.fits, .jpg] {
            let folder = try scratchFolder()
            let service = try legacy(server, format)
            let report = try await CutoutFetcher(service: service, policy: testPolicy())
                .fetch(cutouts(1, in: folder, dec: -5, service: service))
            let outcome = report.outcomes[0]
            #expect(outcome.status == .failed && outcome.failureKind == "no coverage", "\(format): \(outcome.reason ?? "")")
            #expect(outcome.attempts == 1, "not retried: asking again will not cover the field")
            #expect(folderNames(folder).isEmpty)
            #expect(report.summary().contains("no coverage 1"))
        }
    }

    @Test func legacyMissingPlaneIsNoCoverageNamingTheBand() async throws {
        let server = try LocalServer { request, _ in SurveyMock.legacy(request, missing: ["z"]) }
        defer { server.stop() }
        let folder = try scratchFolder()
        let service = try legacy(server)
        let report = try await CutoutFetcher(service: service, policy: testPolicy()).fetch(cutouts(1, in: folder, service: service))
        #expect(report.outcomes[0].failureKind == "no coverage")
        #expect(report.outcomes[0].reason?.contains("no z plane") == true, "\(report.outcomes[0].reason ?? "")")
        #expect(folderNames(folder).isEmpty)
    }

    @Test func aCubeWithOtherBandsIsRefused() async throws {
        // Asked for g,r,z; the answer is a five-band cube (or its planes are unnamed and too many).
        for named in [true, false] {
            let server = try LocalServer { request, _ in
                let size = Int(request.query["size"] ?? "") ?? 64
                return .ok(SurveyMock.cube(size: size, bands: ["u", "g", "r", "i", "z"], named: named), contentType: "application/fits")
            }
            defer { server.stop() }
            let folder = try scratchFolder()
            let service = try legacy(server)
            let report = try await CutoutFetcher(service: service, policy: testPolicy()).fetch(cutouts(1, in: folder, service: service))
            #expect(report.outcomes[0].failureKind == "wrong bands", "\(report.outcomes[0].reason ?? "")")
            #expect(report.outcomes[0].reason?.contains("asked for g,r,z") == true)
            #expect(folderNames(folder).isEmpty)
        }
    }

    @Test func legacyRetriesA500AndAStallThenFetches() async throws {
        let server = try LocalServer { request, attempt in
            if attempt == 1 { return request.query["ra"] == "\(49.9 + 0.001)" ? .status(500, headers: [:], body: Data()) : .stall(3) }
            return SurveyMock.legacy(request)
        }
        defer { server.stop() }
        let service = try legacy(server, .jpg)
        let report = try await CutoutFetcher(service: service, policy: testPolicy(timeout: 1))
            .fetch(cutouts(2, in: try scratchFolder(), service: service))
        #expect(report.fetched == 2 && report.outcomes.allSatisfy { $0.attempts == 2 })
        #expect(server.requests.allSatisfy { $0.path == "/viewer/cutout.jpg" && $0.query["bands"] == nil })
    }

    @Test func hipsFITSKeepsTheWCSHeaderAndNamesTheBand() async throws {
        let server = try LocalServer { request, _ in SurveyMock.hips(request) }
        defer { server.stop() }
        let folder = try scratchFolder()
        let service = try hips("CDS/P/PanSTARRS/DR1/r", server)
        let wanted = cutouts(1, in: folder, size: 100, service: service)
        let report = try await CutoutFetcher(service: service, policy: testPolicy()).fetch(wanted)
        #expect(report.fetched == 1)
        let query = try #require(server.requests.first).query
        #expect(query["hips"] == "CDS/P/PanSTARRS/DR1/r" && query["format"] == "fits" && query["projection"] == "TAN")
        #expect(query["width"] == "100" && query["height"] == "100" && query["coordsys"] == "icrs")
        #expect(abs(Double(query["fov"] ?? "")! - 100 * 0.262 / 3600) < 1e-12, "fov is the width in degrees")
        let data = try Data(contentsOf: wanted[0].file)
        #expect(FITSHeader.cards(data)?.contains { $0.key == "CTYPE1" && $0.value == "RA---TAN" } == true, "WCS kept")
        #expect(FITSHeader.bandNames(data) == ["r"])
        #expect(try Image(contentsOf: wanted[0].file).channels == 1)
    }

    @Test func anUnknownHiPSIsReportedWithTheServicesWords() async throws {
        let server = try LocalServer { request, _ in SurveyMock.hips(request) }
        defer { server.stop() }
        let folder = try scratchFolder()
        let service = try hips("CDS/P/NoSuchSurvey/r", server)
        let report = try await CutoutFetcher(service: service, policy: testPolicy()).fetch(cutouts(2, in: folder, service: service))
        #expect(report.failed == 2 && report.outcomes.allSatisfy { $0.attempts == 1 }, "a 400 is not retried")
        #expect(report.outcomes[0].failureKind == "HTTP 400")
        #expect(report.outcomes[0].reason?.contains("'CDS/P/NoSuchSurvey/r' is not a known HiPS identifier") == true)
        #expect(report.csv().contains("is not a known HiPS identifier"), "the service's text is in the report file")
    }

    @Test func hipsErrorPagesAndWrongSizesAreRefused() async throws {
        let page = "<html><body><h1>500</h1>hips2fits: projection failed for this field</body></html>"
        let first = "\(cutouts(1, in: try scratchFolder(), service: CutoutService())[0].ra)"
        let server = try LocalServer { request, _ in
            request.query["ra"] == first ? .ok(Data(page.utf8), contentType: "text/html")
                                            : .ok(cutoutJPEG(width: 50, height: 64), contentType: "image/jpeg")
        }
        defer { server.stop() }
        let folder = try scratchFolder()
        let service = try hips("CDS/P/DSS2/color", server, .jpg)
        let report = try await CutoutFetcher(service: service, policy: testPolicy(retries: 1)).fetch(cutouts(2, in: folder, service: service))
        #expect(report.outcomes[0].failureKind == "not an image" && report.outcomes[0].attempts == 2)
        #expect(report.outcomes[0].reason?.contains("projection failed for this field") == true)
        #expect(report.outcomes[1].failureKind == "wrong size" && report.outcomes[1].attempts == 1)
        #expect(folderNames(folder).isEmpty)
    }

    @Test func buildsEachServicesRequest() throws {
        let legacy = try CutoutService(survey: .legacy(layer: "ls-dr9-north", bands: ["g", "r"], format: .fits))
        #expect(legacy.url(ra: 49.95, dec: 41.51, scale: 0.262, width: 128, height: 128).absoluteString
                == "https://www.legacysurvey.org/viewer/cutout.fits?ra=49.95&dec=41.51&layer=ls-dr9-north&pixscale=0.262&size=128&bands=gr")
        let hips = try CutoutService(survey: .hips(id: "CDS/P/PanSTARRS/DR1/g", projection: "TAN", format: .png))
        #expect(hips.url(ra: 1, dec: 2, scale: 36, width: 10, height: 20).absoluteString
                == "https://alasky.cds.unistra.fr/hips-image-services/hips2fits?hips=CDS/P/PanSTARRS/DR1/g&ra=1.0&dec=2.0&fov=0.1"
                + "&width=10&height=20&projection=TAN&coordsys=icrs&format=png")
        #expect(throws: FetchError.self) { try CutoutService(survey: .legacy(layer: "ls-dr10", bands: ["g", "g"], format: .fits)) }
        #expect(throws: FetchError.self) { try CutoutService(survey: .legacy(layer: "", bands: ["g"], format: .fits)) }
        #expect(throws: FetchError.self) { try CutoutService(survey: .hips(id: "", projection: "TAN", format: .fits)) }
        #expect(Cutout.fileName(for: "PCC-0001", extension: "fits") == "PCC-0001.fits")
    }

    @Test func aCatalogueRunWritesFITSFilesAndTheReport() async throws {
        let server = try LocalServer { request, _ in SurveyMock.legacy(request) }
        defer { server.stop() }
        let scratch = try scratchFolder()
        let catalog = scratch.appendingPathComponent("PCC_cat.txt")
        try pccText([1, 2]).write(to: catalog, atomically: true, encoding: .utf8)
        var run = CutoutRun(catalog: catalog, folder: scratch.appendingPathComponent("cutouts"))
        run.size = 64
        run.scale = 0.262
        run.service = try legacy(server)
        run.policy = testPolicy()
        let result = try await run.run()
        #expect(result.report.fetched == 2)
        #expect(folderNames(scratch.appendingPathComponent("cutouts")) == ["PCC-0001.fits", "PCC-0002.fits", "fetch-report.csv"])
    }
}
