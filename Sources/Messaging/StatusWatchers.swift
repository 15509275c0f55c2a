import Synchronization

/// Who waits for a message's final status (a verification's fallback): a handler per key, called
/// once, in memory only.
final class StatusWatchers<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    typealias Handler = @Sendable (Value) async -> Void
    private let handlers = Mutex<[Key: Handler]>([:])

    func watch(_ key: Key, _ handler: @escaping Handler) {
        handlers.withLock { $0[key] = handler }
    }

    /// Calls and forgets the handler of `key`, if there is one.
    func settle(_ key: Key, _ value: Value) async {
        guard let handler = handlers.withLock({ $0.removeValue(forKey: key) }) else { return }
        await handler(value)
    }
}
