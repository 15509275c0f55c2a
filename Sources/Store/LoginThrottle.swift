import Foundation

/// Slows credential guessing: after `limit` failed logins from one address within `window`,
/// that address is refused until the window passes. Other addresses are unaffected. Shared by
/// the HTTP API (Basic and bearer auth) and the SIP registrar (digest auth).
public actor LoginThrottle {
    private let limit: Int
    private let window: TimeInterval
    private var failures: [String: [Date]] = [:]

    public init(limit: Int = 20, window: TimeInterval = 60) {
        self.limit = limit
        self.window = window
    }

    /// Whether `address` may try to log in at `now`.
    public func allows(_ address: String, now: Date = Date()) -> Bool {
        recent(address, now: now).count < limit
    }

    /// Counts a failure; returns true when this failure reached the limit (log it once).
    @discardableResult
    public func recordFailure(_ address: String, now: Date = Date()) -> Bool {
        var attempts = recent(address, now: now)
        attempts.append(now)
        failures[address] = attempts
        if failures.count > 10_000 { forgetStale(now: now) }
        return attempts.count == limit
    }

    private func recent(_ address: String, now: Date) -> [Date] {
        (failures[address] ?? []).filter { now.timeIntervalSince($0) < window }
    }

    private func forgetStale(now: Date) {
        failures = failures.filter { _, dates in
            dates.contains { now.timeIntervalSince($0) < window }
        }
    }
}
