import Synchronization

/// The even RTP ports of `--rtp-ports` (the odd one above each is left for RTCP), lent to
/// sessions and given back when they close, so a long run never runs out.
public final class RTPPortPool: Sendable {
    private let free: Mutex<[Int]>
    public let capacity: Int

    public init(range: ClosedRange<Int>) {
        let first = range.lowerBound + (range.lowerBound % 2)
        let ports = Array(stride(from: first, through: range.upperBound - 1, by: 2))
        capacity = ports.count
        free = Mutex(ports.reversed())
    }

    /// A free port, or nil when every one is in use.
    public func take() -> Int? {
        free.withLock { $0.popLast() }
    }

    /// Puts a port back, to be lent last (ports are reused as late as possible). A port
    /// already free stays free once: lent twice, two sessions would share a socket address.
    public func give(_ port: Int) {
        free.withLock { free in
            guard !free.contains(port) else { return }
            free.insert(port, at: 0)
        }
    }

    public var available: Int { free.withLock { $0.count } }
}
