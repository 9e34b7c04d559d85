import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// HTTP GETs under a `FetchPolicy`: every attempt waits for a rate-limit slot, runs under the timeout, and
/// failures worth retrying are retried after a backoff with jitter (or the server's Retry-After). The caller's
/// `accept` closure judges each 200 answer, so a body that does not decode counts as a failed attempt.
/// The concurrency limit is the caller's (it decides how many `get`s run at once).
public final class PoliteClient: Sendable {
    public let policy: FetchPolicy
    private let session: URLSession
    private let limiter: RateLimiter

    public init(policy: FetchPolicy) throws {
        try policy.validate()
        self.policy = policy
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = policy.effectiveTimeout
        configuration.timeoutIntervalForResource = policy.effectiveTimeout
        configuration.httpMaximumConnectionsPerHost = policy.concurrency
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpAdditionalHeaders = ["User-Agent": policy.userAgent]
        session = URLSession(configuration: configuration)
        limiter = RateLimiter(perSecond: policy.requestsPerSecond)
    }

    deinit { session.finishTasksAndInvalidate() }

    /// The result of `get`: what `accept` made of the body, or the last failure, with the number of attempts.
    public struct Result<Value: Sendable>: Sendable {
        public var value: Value?
        public var failure: AttemptFailure?
        public var attempts: Int
    }

    public func get<Value: Sendable>(_ url: URL, accept: @Sendable (Data) throws(AttemptFailure) -> Value) async -> Result<Value> {
        var attempts = 0
        while true {
            attempts += 1
            do {
                try await limiter.wait()
            } catch {
                return Result(value: nil, failure: .transport(code: URLError.cancelled.rawValue, message: "cancelled"),
                              attempts: attempts)
            }
            let failure: AttemptFailure
            do {
                let data = try await body(url)
                return Result(value: try accept(data), failure: nil, attempts: attempts)
            } catch {
                failure = error
            }
            if !failure.isRetryable || attempts > policy.retries {
                return Result(value: nil, failure: failure, attempts: attempts)
            }
            let wait = policy.delay(beforeRetry: attempts, retryAfter: failure.retryAfter)
            do {
                try await Task.sleep(nanoseconds: UInt64(wait * 1e9))
            } catch {
                return Result(value: nil, failure: failure, attempts: attempts)
            }
        }
    }

    /// One attempt: the body of a 200 answer, else why not.
    private func body(_ url: URL) async throws(AttemptFailure) -> Data {
        var request = URLRequest(url: url)
        request.timeoutInterval = policy.effectiveTimeout
        let data: Data, response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch let error as URLError {
            throw .transport(code: error.errorCode, message: error.localizedDescription)
        } catch {
            let ns = error as NSError
            throw .transport(code: ns.code, message: ns.localizedDescription)
        }
        guard let http = response as? HTTPURLResponse else {
            throw .transport(code: URLError.badServerResponse.rawValue, message: "not an HTTP answer")
        }
        guard http.statusCode == 200 else {
            throw .http(status: http.statusCode,
                        retryAfter: AttemptFailure.retryAfterSeconds(http.value(forHTTPHeaderField: "Retry-After")),
                        body: AttemptFailure.snippet(data))
        }
        return data
    }
}
