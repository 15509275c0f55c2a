/// A token bucket: `perSecond` messages a second on average, bursts of up to one second's worth.
struct SendingRate {
    let perSecond: Double
    private var tokens: Double
    private var refilled: ContinuousClock.Instant

    init(perSecond: Double, now: ContinuousClock.Instant) {
        self.perSecond = perSecond
        tokens = max(1, perSecond)
        refilled = now
    }

    /// Takes a token if one is there.
    mutating func take(now: ContinuousClock.Instant) -> Bool {
        refill(now: now)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// When the next token will be there.
    func nextToken(now: ContinuousClock.Instant) -> ContinuousClock.Instant {
        var copy = self
        copy.refill(now: now)
        guard copy.tokens < 1 else { return now }
        return now + .seconds((1 - copy.tokens) / perSecond)
    }

    private mutating func refill(now: ContinuousClock.Instant) {
        let elapsed = now - refilled
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        tokens = min(max(1, perSecond), tokens + seconds * perSecond)
        refilled = now
    }
}
