import Foundation
import Synchronization

/// The source of "now" for every time-dependent rule (number freezes, token expiry, monthly
/// renewals), so tests can move time instead of sleeping.
public protocol WallClock: Sendable {
    func now() -> Date
}

/// The real time of the machine.
public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// The machine's time plus an offset that can be moved forward, for tests of time-dependent
/// rules against a running server (enabled only by `--test-clock`).
public final class AdjustableClock: WallClock {
    private let offset = Mutex<TimeInterval>(0)

    public init() {}

    public func now() -> Date { Date().addingTimeInterval(offset.withLock { $0 }) }

    /// Moves the clock forward by `seconds` and returns the new offset.
    @discardableResult
    public func advance(by seconds: TimeInterval) -> TimeInterval {
        offset.withLock { value in
            value += seconds
            return value
        }
    }
}
