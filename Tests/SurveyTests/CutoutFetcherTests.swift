import Foundation
import Imaging
import Testing
@testable import Survey

/// The fetcher against a local server that mimics SkyServer's getjpeg: good, failing, slow, truncated and
/// non-image answers; resumption; the rate and concurrency limits. Nothing here reaches the internet.
@Suite(.serialized)
struct CutoutFetcherTests {
    @Test func fetchesValidCutoutsWithTheRequestedParameters() async throws {
        let server = try LocalServer { request, _ in serviceReply(request) }
        defer { server.stop() }
        let folder = try scratchFolder()
        let wanted = cutouts(3, in: folder)
        let fetcher = try CutoutFetcher(service: CutoutService(endpoint: server.endpoint), policy: testPolicy())
        let report = try await fetcher.fetch(wanted)
        #expect(report.fetched == 3 && report.skipped == 0 && report.failed == 0)
        #expect(report.outcomes.map(\.cutout) == wanted)
        for cutout in wanted {
            let image = try Image(contentsOf: cutout.file)
            #expect(image.width == 64 && image.height == 64 && image.channels == 3)
        }
        let requests = server.requests
        #expect(requests.count == 3)
        let first = try #require(requests.first { $0.query["ra"] == "\(wanted[0].ra)" })
        #expect(first.path == "/dr16/SkyServerWS/ImgCutout/getjpeg")
        #expect(first.query["dec"] == "41.5" && first.query["scale"] == "0.1")
        #expect(first.query["width"] == "64" && first.query["height"] == "64")
        #expect(folderNames(folder) == ["PCC-0001.jpg", "PCC-0002.jpg", "PCC-0003.jpg"])
    }

    @Test func retriesAfterHTTP500() async throws {
        let server = try LocalServer { request, attempt in
            attempt == 1 ? .status(500, headers: [:], body: Data("Internal Server Error".utf8)) : serviceReply(request)
        }
        defer { server.stop() }
        let folder = try scratchFolder()
        let fetcher = try CutoutFetcher(service: CutoutService(endpoint: server.endpoint), policy: testPolicy())
        let report = try await fetcher.fetch(cutouts(2, in: folder))
        #expect(report.fetched == 2)
        #expect(report.outcomes.allSatisfy { $0.attempts == 2 })
        #expect(server.requests.count == 4)
        #expect(report.outcomes.allSatisfy { decodes($0.cutout.file) })
    }

    @Test func gives500sUpAfterTheRetriesAndReportsWhy() async throws {
        let server = try LocalServer { _, _ in .status(503, headers: [:], body: Data("<html><body>Service busy</body></html>".utf8)) }
        defer { server.stop() }
        let folder = try scratchFolder()
        let fetcher = try CutoutFetcher(service: CutoutService(endpoint: server.endpoint), policy: testPolicy(retries: 2))
        let report = try await fetcher.fetch(cutouts(1, in: folder))
        let outcome = try #require(report.outcomes.first)
        #expect(outcome.status == .failed && outcome.attempts == 3)
        #expect(outcome.failureKind == "HTTP 503")
        #expect(outcome.reason?.contains("Service busy") == true)
        #expect(folderNames(folder).isEmpty)
        #expect(report.summary().contains("HTTP 503 1"))
    }

    @Test func doesNotRetryA404() async throws {
        let server = try LocalServer { _, _ in .status(404, headers: [:], body: Data("Not Found".utf8)) }
        defer { server.stop() }
        let fetcher = try CutoutFetcher(service: CutoutService(endpoint: server.endpoint), policy: testPolicy())
        let report = try await fetcher.fetch(cutouts(1, in: try scratchFolder()))
        #expect(report.outcomes[0].status == .failed && report.outcomes[0].attempts == 1)
        #expect(server.requests.count == 1)
    }

    @Test func retriesAfterATimeout() async throws {
        let server = try LocalServer { request, attempt in attempt == 1 ? .stall(4) : serviceReply(request) }
        defer { server.stop() }
        let folder = try scratchFolder()
        let fetcher = try CutoutFetcher(service: CutoutService(endpoint: server.endpoint), policy: testPolicy(timeout: 1))
        let start = Date()
        let report = try await fetcher.fetch(cutouts(1, in: folder))
        let elapsed = Date().timeIntervalSince(start)
        #expect(report.fetched == 1 && report.outcomes[0].attempts == 2)
        #expect(elapsed >= 0.95 && elapsed < 3, "the stalled attempt was abandoned after the 1 s timeout (took \(elapsed) s)")
        #expect(decodes(report.outcomes[0].cutout.file))
    }

    @Test func reportsATimeoutWhenEveryAttemptStalls() async throws {
        let server = try LocalServer { _, _ in .stall(3) }
        defer { server.stop() }
        let fetcher = try CutoutFetcher(service: CutoutService(endpoint: server.endpoint),
                                        policy: testPolicy(retries: 1, timeout: 1))
        let report = try await fetcher.fetch(cutouts(1, in: try scratchFolder()))
        #expect(report.outcomes[0].status == .failed && report.outcomes[0].attempts == 2)
        #expect(report.outcomes[0].failureKind == "timeout")
    }

    @Test func refetchesATruncatedJPEG() async throws {
        let server = try LocalServer { request, attempt in
            guard attempt == 1, case .ok(let jpeg, let type) = serviceReply(request) else { return serviceReply(request) }
            return .ok(jpeg.prefix(jpeg.count / 2), contentType: type)  // a complete HTTP answer holding half a JPEG
        }
        defer { server.stop() }
        let folder = try scratchFolder()
        let fetcher = try CutoutFetcher(service: CutoutService(endpoint: server.endpoint), policy: testPolicy())
        let report = try await fetcher.fetch(cutouts(2, in: folder))
        #expect(report.fetched == 2 && report.outcomes.allSatisfy { $0.attempts == 2 })
        #expect(report.outcomes.allSatisfy { decodes($0.cutout.file) })
        #expect(folderNames(folder).count == 2, "no temporary or partial file is left: \(folderNames(folder))")
    }

    @Test func neverWritesATruncatedJPEG() async throws {
        let server = try LocalServer { request, _ in
            guard case .ok(let jpeg, let type) = serviceReply(request) else { return serviceReply(request) }
            return .ok(jpeg.prefix(jpeg.count - 300), contentType: type)
        }
        defer { server.stop() }
        let folder = try scratchFolder()
        let fetcher = try CutoutFetcher(service: CutoutService(endpoint: server.endpoint), policy: testPolicy(retries: 2))
        let report = try await fetcher.fetch(cutouts(1, in: folder))
        #expect(report.outcomes[0].status == .failed && report.outcomes[0].attempts == 3)
        #expect(report.outcomes[0].failureKind == "truncated image")
        #expect(folderNames(folder).isEmpty)
    }

    @Test func rejectsAnHTMLErrorPageAndKeepsWhatItSays() async throws {
        let page = "<html><head><title>Error</title></head><body>ImgCutout: dec out of range</body></html>"
        let server = try LocalServer { _, _ in .ok(Data(page.utf8), contentType: "text/html") }
        defer { server.stop() }
        let folder = try scratchFolder()
        let fetcher = try CutoutFetcher(service: CutoutService(endpoint: server.endpoint), policy: testPolicy(retries: 1))
        let report = try await fetcher.fetch(cutouts(1, in: folder))
        let outcome = report.outcomes[0]
        #expect(outcome.status == .failed && outcome.attempts == 2)
        #expect(outcome.failureKind == "not an image")
        #expect(outcome.reason?.contains("dec out of range") == true)
        #expect(folderNames(folder).isEmpty)
    }

    @Test func rejectsAnImageOfTheWrongSize() async throws {
        let server = try LocalServer { _, _ in .ok(cutoutJPEG(width: 64, height: 80), contentType: "image/jpeg") }
        defer { server.stop() }
        let folder = try scratchFolder()
        let fetcher = try CutoutFetcher(service: CutoutService(endpoint: server.endpoint), policy: testPolicy(retries: 3))
        let report = try await fetcher.fetch(cutouts(1, in: folder))
        #expect(report.outcomes[0].failureKind == "wrong size" && report.outcomes[0].attempts == 1, "not retried")
        #expect(folderNames(folder).isEmpty)
    }

    @Test func resumesAnInterruptedRun() async throws {
        let server = try LocalServer { request, _ in serviceReply(request) }
        defer { server.stop() }
        let folder = try scratchFolder()
        let wanted = cutouts(5, in: folder)
        // What a killed run leaves: two good files, one cut short, one not an image, and an AtomicFile temporary.
        let good = cutoutJPEG(width: 64, height: 64)
        try good.write(to: wanted[0].file)
        try good.write(to: wanted[2].file)
        try good.prefix(good.count / 3).write(to: wanted[1].file)
        try Data("<html>502 Bad Gateway</html>".utf8).write(to: wanted[3].file)
        try good.prefix(100).write(to: folder.appendingPathComponent(".PCC-0005.jpg.tmp-999-123"))

        let fetcher = try CutoutFetcher(service: CutoutService(endpoint: server.endpoint), policy: testPolicy())
        let report = try await fetcher.fetch(wanted)
        #expect(report.outcomes.map(\.status) == [.skipped, .fetched, .skipped, .fetched, .fetched])
        #expect(report.staleTemporariesRemoved == 1)
        let asked = Set(server.requests.compactMap { $0.query["ra"] })
        #expect(asked == Set([1, 3, 4].map { "\(wanted[$0].ra)" }), "no request for the files already valid")
        #expect(wanted.allSatisfy { decodes($0.file) })
        #expect(folderNames(folder) == wanted.map { $0.file.lastPathComponent })

        // A second run has nothing left to do and makes no request.
        let before = server.requests.count
        let again = try await fetcher.fetch(wanted)
        #expect(again.skipped == 5 && server.requests.count == before)
    }

    @Test func honoursTheConcurrencyLimit() async throws {
        let server = try LocalServer { request, _ in .after(0.15, serviceReply(request)) }
        defer { server.stop() }
        let fetcher = try CutoutFetcher(service: CutoutService(endpoint: server.endpoint),
                                        policy: testPolicy(concurrency: 3, rate: 1000))
        let report = try await fetcher.fetch(cutouts(12, in: try scratchFolder()))
        #expect(report.fetched == 12)
        #expect(server.maxInFlight == 3, "at most 3 requests in flight, and the limit is used (saw \(server.maxInFlight))")
    }

    @Test func honoursTheRateLimit() async throws {
        let server = try LocalServer { request, _ in serviceReply(request) }
        defer { server.stop() }
        let rate = 20.0, count = 11
        let fetcher = try CutoutFetcher(service: CutoutService(endpoint: server.endpoint),
                                        policy: testPolicy(concurrency: 4, rate: rate))
        let report = try await fetcher.fetch(cutouts(count, in: try scratchFolder()))
        #expect(report.fetched == count)
        let times = server.requests.map(\.time).sorted()
        let span = times.last!.timeIntervalSince(times.first!)
        #expect(span >= Double(count - 1) / rate * 0.9, "\(count) requests at \(rate)/s took \(span) s")
        // No window of 5 consecutive requests is faster than the rate allows.
        for i in 0..<(times.count - 4) {
            #expect(times[i + 4].timeIntervalSince(times[i]) >= 4 / rate * 0.7)
        }
    }

    @Test func waitsAsLongAsRetryAfterAsks() async throws {
        let server = try LocalServer { request, attempt in
            attempt == 1 ? .status(429, headers: ["Retry-After": "1"], body: Data("slow down".utf8)) : serviceReply(request)
        }
        defer { server.stop() }
        let fetcher = try CutoutFetcher(service: CutoutService(endpoint: server.endpoint), policy: testPolicy())
        let report = try await fetcher.fetch(cutouts(1, in: try scratchFolder()))
        #expect(report.fetched == 1 && report.outcomes[0].attempts == 2)
        let times = server.requests.map(\.time).sorted()
        #expect(times.count == 2 && times[1].timeIntervalSince(times[0]) >= 0.95)
    }

    @Test func reportsUnreachableServiceAsAConnectionError() async throws {
        // A port that was just free: nothing listens there.
        let server = try LocalServer { request, _ in serviceReply(request) }
        let endpoint = server.endpoint
        server.stop()
        let fetcher = try CutoutFetcher(service: CutoutService(endpoint: endpoint), policy: testPolicy(retries: 1))
        let report = try await fetcher.fetch(cutouts(1, in: try scratchFolder()))
        #expect(report.outcomes[0].status == .failed && report.outcomes[0].attempts == 2)
        #expect(report.outcomes[0].failureKind == "connection error")
    }
}
