import Foundation

/// How hard and how politely to ask a service. The defaults suit the public SkyServer: 4 requests in flight,
/// at most 5 started per second, 5 retries spaced by exponential backoff with jitter.
public struct FetchPolicy: Sendable, Equatable {
    /// Requests in flight at once.
    public var concurrency: Int = 4
    /// Requests started per second, retries included.
    public var requestsPerSecond: Double = 5
    /// Further attempts after the first one fails for a reason worth retrying.
    public var retries: Int = 5
    /// An attempt that has not finished in this many seconds is abandoned (and retried). Foundation's libcurl
    /// backend counts whole seconds (0.5 would mean "time out at once"), so it is rounded up to whole seconds.
    public var timeout: TimeInterval = 30
    /// The first retry waits about this long; each further one twice as long, up to `backoffCap`.
    public var backoffBase: TimeInterval = 1
    public var backoffCap: TimeInterval = 60
    /// The longest wait a server's `Retry-After` is obeyed for.
    public var retryAfterCap: TimeInterval = 300
    /// Sent with every request so the archive's operators can see who is asking.
    public var userAgent = "perseus-fetch/1.0 (galaxy-cluster cutouts; rate-limited)"

    public init(concurrency: Int = 4, requestsPerSecond: Double = 5, retries: Int = 5, timeout: TimeInterval = 30,
                backoffBase: TimeInterval = 1, backoffCap: TimeInterval = 60, retryAfterCap: TimeInterval = 300) {
        self.concurrency = concurrency
        self.requestsPerSecond = requestsPerSecond
        self.retries = retries
        self.timeout = timeout
        self.backoffBase = backoffBase
        self.backoffCap = backoffCap
        self.retryAfterCap = retryAfterCap
    }

    /// The timeout as the network layer applies it: whole seconds, at least 1.
    public var effectiveTimeout: TimeInterval { max(1, timeout.rounded(.up)) }

    /// Throws naming the first option out of range.
    public func validate() throws {
        guard concurrency >= 1 else { throw FetchError("concurrency must be at least 1, not \(concurrency)") }
        guard requestsPerSecond > 0, requestsPerSecond.isFinite else {
            throw FetchError("rate must be a positive number of requests per second, not \(requestsPerSecond)")
        }
        guard retries >= 0 else { throw FetchError("retries must be 0 or more, not \(retries)") }
        guard timeout > 0 else { throw FetchError("timeout must be positive, not \(timeout) s") }
        guard backoffBase >= 0, backoffCap >= 0 else { throw FetchError("backoff times must not be negative") }
    }

    /// The wait before retry number `retry` (1, 2, ...): base * 2^(retry-1), capped, then "equal jitter" (half
    /// fixed, half random) so clients that failed together do not come back together. A server's Retry-After
    /// wins when it asks for longer.
    public func delay(beforeRetry retry: Int, retryAfter: TimeInterval?) -> TimeInterval {
        let exponential = min(backoffCap, backoffBase * pow(2, Double(max(retry - 1, 0))))
        let jittered = exponential / 2 + Double.random(in: 0...1) * exponential / 2
        guard let retryAfter else { return jittered }
        return max(jittered, min(retryAfter, retryAfterCap))
    }
}
