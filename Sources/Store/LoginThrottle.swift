import Addressing
import Foundation
import Synchronization

/// Slows credential guessing: after `limit` failed logins from one source within `window`,
/// that source is refused until the window passes. Other sources are unaffected. A source is
/// an IPv4 address or an IPv6 /64 (one customer's whole network, which an attacker could walk),
/// or any other key, such as the account a login names. Shared by the HTTP API (Basic and
/// bearer auth) and the SIP registrar (digest auth).
///
/// A lock rather than an actor: it is asked on every login and SIP REGISTER, and each check is
/// a few dictionary operations.
public final class LoginThrottle: Sendable {
    private let limit: Int
    private let window: TimeInterval
    private let failures = Mutex<[String: [Date]]>([:])

    public init(limit: Int = 20, window: TimeInterval = 60) {
        self.limit = limit
        self.window = window
    }

    /// Whether `address` may try to log in at `now`.
    public func allows(_ address: String, now: Date = Date()) -> Bool {
        let key = SourceGroup.key(address)
        return failures.withLock { table in Self.recent(table[key], now: now, window: window).count < limit }
    }

    /// Counts a failure; returns true when this failure reached the limit (log it once).
    @discardableResult
    public func recordFailure(_ address: String, now: Date = Date()) -> Bool {
        let key = SourceGroup.key(address)
        return failures.withLock { table in
            var attempts = Self.recent(table[key], now: now, window: window)
            attempts.append(now)
            table[key] = attempts
            if table.count > 10_000 {
                table = table.filter { _, dates in dates.contains { now.timeIntervalSince($0) < window } }
            }
            return attempts.count == limit
        }
    }

    private static func recent(_ dates: [Date]?, now: Date, window: TimeInterval) -> [Date] {
        (dates ?? []).filter { now.timeIntervalSince($0) < window }
    }
}
