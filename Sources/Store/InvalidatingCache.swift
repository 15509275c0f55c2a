import Synchronization

/// A bounded map kept in memory in front of the database by the cached repositories: every
/// write empties it (`invalidate()`), and a read that started before a write never stores what
/// it read (a generation moves at each invalidation). Entries lapse after `lifetime`, if one is
/// given; at `capacity` entries it starts over, so keys an attacker invents cannot grow it
/// without bound.
final class InvalidatingCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct State {
        var entries: [Key: (value: Value, stored: ContinuousClock.Instant)] = [:]
        var generation = 0
    }

    private let state = Mutex(State())
    private let capacity: Int
    private let lifetime: Duration?

    init(capacity: Int, lifetime: Duration? = nil) {
        self.capacity = capacity
        self.lifetime = lifetime
    }

    /// The value held for `key` while it is fresh; else `read()`'s, kept unless a write came
    /// in between.
    func value(for key: Key, read: () async throws -> Value) async throws -> Value {
        let now = ContinuousClock.now
        let (cached, generation) = state.withLock { ($0.entries[key], $0.generation) }
        if let cached, lifetime.map({ now - cached.stored < $0 }) ?? true { return cached.value }
        let value = try await read()
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[key] = (value, now)
        }
        return value
    }

    func invalidate() {
        state.withLock { state in
            state.entries.removeAll(keepingCapacity: true)
            state.generation += 1
        }
    }
}
