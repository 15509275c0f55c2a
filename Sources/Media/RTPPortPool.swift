import Synchronization

/// The even RTP ports of `--rtp-ports` (the odd one above each is left for RTCP), lent to
/// sessions and given back when they close, so a long run never runs out. A port is drawn at
/// random from the older half of the free ones: a stranger cannot guess the next call's port
/// by spraying the ones above the last, and a port just given back rests before it is lent
/// again, so late packets of its last call find no session.
public final class RTPPortPool: Sendable {
    /// Free ports, the longest free first.
    private let free: Mutex<[Int]>
    public let capacity: Int

    public init(range: ClosedRange<Int>) {
        let first = range.lowerBound + (range.lowerBound % 2)
        let ports = Array(stride(from: first, through: range.upperBound - 1, by: 2))
        capacity = ports.count
        free = Mutex(ports.shuffled())
    }

    /// A free port, or nil when every one is in use.
    public func take() -> Int? {
        free.withLock { free in
            guard !free.isEmpty else { return nil }
            return free.remove(at: Int.random(in: 0..<max(1, free.count / 2)))
        }
    }

    /// Puts a port back, to rest behind the others. A port already free stays free once: lent
    /// twice, two sessions would share a socket address.
    public func give(_ port: Int) {
        free.withLock { free in
            guard !free.contains(port) else { return }
            free.append(port)
        }
    }

    public var available: Int { free.withLock { $0.count } }
}
