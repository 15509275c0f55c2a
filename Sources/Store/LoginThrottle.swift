import Addressing
import Foundation
import Synchronization

/// Slows credential guessing: after `limit` failed logins from one source within `window`,
/// that source is refused for the window; each time it comes back and reaches the limit
/// again within the hour, the refusal doubles (one minute, two, four… up to an hour), so a
/// patient guesser gets ever fewer tries. Other sources are unaffected. A source is an IPv4
/// address or an IPv6 /64 (one customer's whole network, which an attacker could walk), or
/// any other key, such as the account a login names. Shared by the HTTP API (Basic and bearer
/// auth) and the SIP registrar (digest auth).
///
/// A lock rather than an actor: it is asked on every login and SIP REGISTER, and each check is
/// a few dictionary operations.
public final class LoginThrottle: Sendable {
    private struct Record {
        var failures: [Date] = []
        var blockedUntil: Date?
        /// Times the limit was reached, the last one within the hour.
        var strikes = 0
        var lastStrike = Date.distantPast
    }

    private let limit: Int
    private let window: TimeInterval
    private let records = Mutex<[String: Record]>([:])
    static let longestRefusal: TimeInterval = 3600

    public init(limit: Int = 20, window: TimeInterval = 60) {
        self.limit = limit
        self.window = window
    }

    /// Whether `address` may try to log in at `now`.
    public func allows(_ address: String, now: Date = Date()) -> Bool {
        let key = SourceGroup.key(address)
        return records.withLock { table in
            guard let record = table[key] else { return true }
            if let until = record.blockedUntil, now < until { return false }
            return record.failures.filter { now.timeIntervalSince($0) < window }.count < limit
        }
    }

    /// Counts a failure; returns true when this failure reached the limit (log it once).
    @discardableResult
    public func recordFailure(_ address: String, now: Date = Date()) -> Bool {
        let key = SourceGroup.key(address)
        return records.withLock { table in
            var record = table[key] ?? Record()
            record.failures = record.failures.filter { now.timeIntervalSince($0) < window } + [now]
            let reached = record.failures.count >= limit
            if reached {
                record.strikes = now.timeIntervalSince(record.lastStrike) < Self.longestRefusal ? record.strikes + 1 : 1
                record.lastStrike = now
                record.blockedUntil = now.addingTimeInterval(min(Self.longestRefusal, window * pow(2, Double(record.strikes - 1))))
                record.failures = []
            }
            table[key] = record
            if table.count > 10_000 {
                table = table.filter { _, record in
                    record.failures.contains { now.timeIntervalSince($0) < window } || (record.blockedUntil.map { now < $0 } ?? false)
                        || now.timeIntervalSince(record.lastStrike) < Self.longestRefusal
                }
            }
            return reached
        }
    }
}
