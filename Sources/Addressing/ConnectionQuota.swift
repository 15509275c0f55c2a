import Synchronization

/// How many stream connections (SIP over TCP or TLS, HTTP) may be open at once: per source
/// (an address, an IPv6 /64) and in all, so that no client, however slow or idle its
/// connections, can take every socket Parley has. `exempt` sources (a trusted reverse proxy
/// speaking for many clients) count only toward the total.
public final class ConnectionQuota: Sendable {
    private let perSource: Int
    private let total: Int
    private let exempt: [AddressRange]
    private let open = Mutex<(bySource: [String: Int], total: Int)>(([:], 0))

    public init(perSource: Int, total: Int, exempt: [AddressRange] = []) {
        self.perSource = perSource
        self.total = total
        self.exempt = exempt
    }

    /// Counts a new connection from `address`; false (and nothing counted) when it would pass
    /// a limit: close it at once.
    public func admit(_ address: String) -> Bool {
        let key = SourceGroup.key(address)
        let limit = exempt.contains { $0.contains(address) } ? Int.max : perSource
        return open.withLock { open in
            guard open.total < total, open.bySource[key, default: 0] < limit else { return false }
            open.bySource[key, default: 0] += 1
            open.total += 1
            return true
        }
    }

    /// A connection `admit` let in has closed.
    public func release(_ address: String) {
        let key = SourceGroup.key(address)
        open.withLock { open in
            guard let count = open.bySource[key] else { return }
            open.bySource[key] = count > 1 ? count - 1 : nil
            open.total -= 1
        }
    }

    /// Connections open from `address`'s source.
    public func count(_ address: String) -> Int {
        open.withLock { $0.bySource[SourceGroup.key(address)] ?? 0 }
    }
}
