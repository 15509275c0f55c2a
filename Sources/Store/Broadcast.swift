import Foundation
import Synchronization

/// Hands every value published to every current subscriber, each with its own buffer of the
/// newest `bufferSize` (a slow reader loses old values, never holds up the publisher).
public final class Broadcast<Value: Sendable>: Sendable {
    private let subscribers = Mutex<[UUID: AsyncStream<Value>.Continuation]>([:])
    private let bufferSize: Int

    public init(bufferSize: Int = 256) {
        self.bufferSize = bufferSize
    }

    /// The values published from now until the stream is dropped or cancelled.
    public func subscribe() -> AsyncStream<Value> {
        let (stream, continuation) = AsyncStream.makeStream(of: Value.self, bufferingPolicy: .bufferingNewest(bufferSize))
        let id = UUID()
        subscribers.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        return stream
    }

    public func publish(_ value: Value) {
        let current = subscribers.withLock { Array($0.values) }
        for continuation in current { continuation.yield(value) }
    }
}
