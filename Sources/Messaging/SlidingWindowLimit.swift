import Foundation
import Synchronization

/// At most `limit` events per key within `window`: a Verify rate limit per account or per
/// source address, in memory.
final class SlidingWindowLimit: Sendable {
    private let limit: Int
    private let window: TimeInterval
    private let events = Mutex<[String: [Date]]>([:])

    init(limit: Int, window: TimeInterval) {
        self.limit = limit
        self.window = window
    }

    /// Counts an event for `key` and says whether it stays within the limit.
    func take(_ key: String, now: Date) -> Bool {
        events.withLock { table in
            let recent = (table[key] ?? []).filter { now.timeIntervalSince($0) < window }
            guard recent.count < limit else {
                table[key] = recent
                return false
            }
            table[key] = recent + [now]
            if table.count > 10_000 { table = table.filter { $0.value.contains { now.timeIntervalSince($0) < window } } }
            return true
        }
    }
}
