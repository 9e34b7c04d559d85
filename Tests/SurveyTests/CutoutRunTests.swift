import Astro
import Foundation
import Imaging
import Testing
@testable import Survey

/// Three lines in the PCC export's layout (fields separated by 2+ spaces, the stamp URL last).
func pccText(_ ids: [Int]) -> String {
    ids.map { i in
        let id = String(format: "PCC-%04d", i)
        return "N/A  \(id)  \(String(format: "%.2f", 49.2 + Double(i) * 0.01))  41.5  20.51  0.04   1.44   0.1   20.8  1.07   0.1  -64.5   1.7  "
            + "0.41    0   0.69   0.25   0.63   0.28              Likely cluster or background edge-on disk galaxy"
            + "                                  http://dc.zah.uni-heidelberg.de/pcc/q/stamp/dlget?ID=\(id)"
    }.joined(separator: "\n") + "\n"
}

@Suite(.serialized)
struct CutoutRunTests {
    @Test func fetchesACatalogueWithWideCutoutsAndWritesTheReport() async throws {
        let server = try LocalServer { request, attempt in
            // The second object's first answer is an error page: it is retried and fetched.
            if request.query["ra"] == "49.22", attempt == 1 { return .status(500, headers: [:], body: Data()) }
            return serviceReply(request)
        }
        defer { server.stop() }
        let scratch = try scratchFolder()
        let catalog = scratch.appendingPathComponent("PCC_cat.txt")
        try pccText([1, 2, 3]).write(to: catalog, atomically: true, encoding: .utf8)
        var run = CutoutRun(catalog: catalog, folder: scratch.appendingPathComponent("cutouts"))
        run.size = 64
        run.wide = 128
        run.limit = 2
        run.service = CutoutService(endpoint: server.endpoint)
        run.policy = testPolicy()
        let result = try await run.run()
        #expect(result.report.fetched == 4 && result.report.failed == 0)
        let wide = try Image(contentsOf: scratch.appendingPathComponent("cutouts-128/PCC-0002.jpg"))
        #expect(wide.width == 128 && wide.height == 128)
        #expect(try Image(contentsOf: scratch.appendingPathComponent("cutouts/PCC-0001.jpg")).width == 64)
        #expect(!FileManager.default.fileExists(atPath: scratch.appendingPathComponent("cutouts/PCC-0003.jpg").path),
                "--limit 2 leaves the third object out")
        #expect(Set(server.requests.compactMap { $0.query["scale"] }) == ["0.1"])

        let report = try String(contentsOf: result.reportFile, encoding: .utf8)
        let lines = report.split(separator: "\n")
        #expect(lines.first == "id,ra,dec,width,scale,file,status,attempts,bytes,failure,reason")
        #expect(lines.count == 5)
        #expect(lines.contains { $0.hasPrefix("PCC-0002,49.22,41.5,64,") && $0.contains(",fetched,2,") })

        // Run again: everything is skipped, no request is made, and the report says so.
        let before = server.requests.count
        let again = try await run.run()
        #expect(again.report.skipped == 4 && server.requests.count == before)
    }

    @Test func rejectsSizesTheServiceRefuses() throws {
        let objects = [CatalogObject(id: "a", ra: 1, dec: 2)]
        let folder = URL(fileURLWithPath: "/tmp/x")
        #expect(throws: FetchError.self) { try Cutout.plan(objects, folder: folder, size: 32, scale: 0.1) }
        #expect(throws: FetchError.self) { try Cutout.plan(objects, folder: folder, size: 200, scale: 0.1, wide: 4096) }
        #expect(throws: FetchError.self) { try Cutout.plan(objects, folder: folder, size: 200, scale: 0) }
        let twice = [CatalogObject(id: "a/b", ra: 1, dec: 2, line: 3), CatalogObject(id: "a_b", ra: 1, dec: 2, line: 4)]
        #expect(throws: FetchError.self) { try Cutout.plan(twice, folder: folder, size: 200, scale: 0.1) }
    }

    @Test func namesFilesSafely() {
        #expect(Cutout.fileName(for: "PCC-0001") == "PCC-0001.jpg")
        #expect(Cutout.fileName(for: "1237660240857530561") == "1237660240857530561.jpg")
        #expect(Cutout.fileName(for: "../etc/passwd") == "_._etc_passwd.jpg")
        #expect(Cutout.fileName(for: "NGC 1275") == "NGC_1275.jpg")
        #expect(Cutout.defaultWideFolder(URL(fileURLWithPath: "/data/cutouts/"), size: 400).path == "/data/cutouts-400")
    }

    @Test func buildsTheServiceURL() throws {
        let url = CutoutService().url(ra: 49.2355, dec: 41.5722, scale: 0.1, width: 200, height: 200)
        #expect(url.absoluteString == "https://skyserver.sdss.org/dr16/SkyServerWS/ImgCutout/getjpeg"
                + "?ra=49.2355&dec=41.5722&scale=0.1&width=200&height=200")
    }

    @Test func backsOffExponentiallyWithJitterAndObeysRetryAfter() {
        let policy = FetchPolicy(backoffBase: 1, backoffCap: 10, retryAfterCap: 60)
        for _ in 0..<50 {
            let first = policy.delay(beforeRetry: 1, retryAfter: nil)
            let third = policy.delay(beforeRetry: 3, retryAfter: nil)
            let tenth = policy.delay(beforeRetry: 10, retryAfter: nil)
            #expect(first >= 0.5 && first <= 1)
            #expect(third >= 2 && third <= 4)
            #expect(tenth >= 5 && tenth <= 10, "capped at backoffCap")
            #expect(policy.delay(beforeRetry: 1, retryAfter: 30) == 30)
            #expect(policy.delay(beforeRetry: 1, retryAfter: 1000) == 60, "a Retry-After is obeyed up to its cap")
        }
        let jitter = Set((0..<20).map { _ in policy.delay(beforeRetry: 2, retryAfter: nil) })
        #expect(jitter.count > 1, "retries that failed together do not come back together")
    }

    @Test func readsRetryAfterInSecondsOrAsADate() {
        #expect(AttemptFailure.retryAfterSeconds("120") == 120)
        #expect(AttemptFailure.retryAfterSeconds(nil) == nil)
        #expect(AttemptFailure.retryAfterSeconds("soon") == nil)
        let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT
        #expect(AttemptFailure.retryAfterSeconds("Wed, 21 Oct 2015 07:29:30 GMT", now: now) == 90)
    }

    @Test func validatesThePolicy() {
        #expect(throws: FetchError.self) { try FetchPolicy(concurrency: 0).validate() }
        #expect(throws: FetchError.self) { try FetchPolicy(requestsPerSecond: 0).validate() }
        #expect(throws: FetchError.self) { try FetchPolicy(retries: -1).validate() }
        #expect(FetchPolicy(timeout: 0.3).effectiveTimeout == 1)
        #expect(FetchPolicy(timeout: 30).effectiveTimeout == 30)
    }

    @Test func quotesCSVFieldsThatNeedIt() {
        #expect(csvField("plain") == "plain")
        #expect(csvField("HTTP 500: a, b") == "\"HTTP 500: a, b\"")
        #expect(csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
    }
}

@Suite(.serialized)
struct PCCDownloadTests {
    @Test func downloadsAndChecksThePCCExport() async throws {
        let server = try LocalServer { _, attempt in
            attempt == 1 ? .status(502, headers: [:], body: Data()) : .ok(Data(pccText([1, 2, 3]).utf8), contentType: "text/plain")
        }
        defer { server.stop() }
        let file = try scratchFolder().appendingPathComponent("PCC_cat.txt")
        let result = try await PCCDownload.download(from: server.endpoint, to: file, policy: testPolicy())
        #expect(result.rows == 3 && result.malformed.isEmpty && result.attempts == 2)
        let catalog = try Catalog.readPCC(file)
        #expect(catalog.objects.map(\.id) == ["PCC-0001", "PCC-0002", "PCC-0003"])
    }

    @Test func refusesAnAnswerThatIsNotThePCCExport() async throws {
        let server = try LocalServer { _, _ in .ok(Data("<html><body>Query failed: no such table</body></html>".utf8), contentType: "text/html") }
        defer { server.stop() }
        let file = try scratchFolder().appendingPathComponent("PCC_cat.txt")
        await #expect(throws: FetchError.self) {
            try await PCCDownload.download(from: server.endpoint, to: file, policy: testPolicy(retries: 1))
        }
        #expect(!FileManager.default.fileExists(atPath: file.path))
        #expect(server.requests.count == 2)
    }
}
