/// Hands out start times at most `perSecond` apart, in the order they are asked for, so a burst of tasks
/// (retries included) never starts more than the rate allows.
actor RateLimiter {
    private let interval: Duration
    private var next: ContinuousClock.Instant

    init(perSecond: Double) {
        interval = .nanoseconds(Int64((1e9 / perSecond).rounded()))
        next = .now
    }

    /// Waits for this caller's slot.
    func wait() async throws {
        let now = ContinuousClock.now
        let slot = max(now, next)
        next = slot + interval
        if slot > now { try await Task.sleep(until: slot, clock: .continuous) }
    }
}
