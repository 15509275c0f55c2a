import Foundation
import Store
import Synchronization

/// Keeps each account within its share of the platform: call legs in progress at once, new
/// legs per second (a token bucket: a burst of that many, refilled at that rate) and the
/// length of one `<Say>`. The operator's defaults apply unless the account has its own
/// `AccountLimits`. Every admitted leg is released when it ends.
public final class CallAdmission: Sendable {
    public struct Defaults: Sendable, Equatable {
        public var concurrentCalls: Int
        public var callsPerSecond: Int
        public var sayCharacters: Int

        public init(concurrentCalls: Int = 200, callsPerSecond: Int = 20, sayCharacters: Int = 4096) {
            self.concurrentCalls = concurrentCalls
            self.callsPerSecond = callsPerSecond
            self.sayCharacters = sayCharacters
        }
    }

    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case concurrentCalls(limit: Int)
        case callRate(limit: Int)

        public var description: String {
            switch self {
            case .concurrentCalls(let limit): "the account already has \(limit) calls in progress, its limit"
            case .callRate(let limit): "the account starts more than \(limit) calls a second, its limit"
            }
        }

        /// Seconds after which trying again may succeed (SIP's Retry-After).
        public var retryAfter: Int {
            switch self {
            case .concurrentCalls: 30
            case .callRate: 1
            }
        }
    }

    private struct Usage {
        var active = 0
        var tokens: Double
        var refilled: ContinuousClock.Instant
    }

    private let defaults: Defaults
    private let accounts: any AccountRepository
    private let usage = Mutex<[AccountSid: Usage]>([:])

    public init(defaults: Defaults, accounts: any AccountRepository) {
        self.defaults = defaults
        self.accounts = accounts
    }

    /// Admits one new call leg of `account`, or says which limit it would pass.
    public func admit(_ account: AccountSid) async throws(Refusal) {
        let limits = (try? await accounts.find(account))?.limits ?? AccountLimits()
        let concurrent = limits.concurrentCalls ?? defaults.concurrentCalls
        let rate = Double(limits.callsPerSecond ?? defaults.callsPerSecond)
        let now = ContinuousClock.now
        let refusal = usage.withLock { table -> Refusal? in
            var entry = table[account] ?? Usage(tokens: rate, refilled: now)
            let elapsed = now - entry.refilled
            entry.tokens = min(rate, entry.tokens + rate * (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
            entry.refilled = now
            defer { table[account] = entry }
            guard entry.active < concurrent else { return .concurrentCalls(limit: concurrent) }
            guard entry.tokens >= 1 else { return .callRate(limit: Int(rate)) }
            entry.tokens -= 1
            entry.active += 1
            return nil
        }
        if let refusal { throw refusal }
    }

    /// Gives back the place of a leg that `admit` let in and that has now ended.
    public func release(_ account: AccountSid) {
        usage.withLock { table in
            guard var entry = table[account] else { return }
            entry.active = max(0, entry.active - 1)
            table[account] = entry
        }
    }

    /// Call legs of `account` in progress.
    public func active(_ account: AccountSid) -> Int {
        usage.withLock { $0[account]?.active ?? 0 }
    }

    /// The longest `<Say>` text `account` may have spoken.
    func sayCharacters(for account: AccountSid) async -> Int {
        (try? await accounts.find(account))?.limits.sayCharacters ?? defaults.sayCharacters
    }
}
