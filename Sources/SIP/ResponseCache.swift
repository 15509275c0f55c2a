import SIPMessages
import Synchronization

/// The non-INVITE server transactions (RFC 3261 §17.2.2): a retransmitted request is answered
/// with the response already sent, or absorbed while the first is still being processed; over
/// UDP the response is kept for Timer J (64·T1 = 32 s), a challenge or refusal of a caller that
/// proved nothing for 8 s only (long enough for the retransmissions that come, short enough
/// that a flood of made-up requests leaves little behind). The table is bounded: past
/// `capacity` new transactions are served without being remembered (a retransmission is then
/// processed again).
final class ResponseCache: Sendable {
    enum Begin {
        case new
        /// Already seen: the response to resend, or nil while the first is still in progress.
        case retransmission([UInt8]?)
    }

    private struct Entry {
        var response: [UInt8]?
        var expires: ContinuousClock.Instant
    }

    private struct Table {
        var entries: [String: Entry] = [:]
        var lastPrune = ContinuousClock.now
    }

    private let table = Mutex(Table())
    private let timerJ: Duration = .seconds(32)
    private let capacity: Int

    init(capacity: Int = 300_000) {
        self.capacity = capacity
    }

    var count: Int { table.withLock { $0.entries.count } }

    static func key(_ request: SIPRequest, via: Via?) -> String {
        let branch = via?.branch ?? (request.headers["Call-ID"] ?? "") + (request.headers["CSeq"] ?? "")
        return "\(branch)|\(request.method)|\(via?.host ?? ""):\(via?.port ?? 0)"
    }

    func begin(_ key: String) -> Begin {
        let now = ContinuousClock.now
        return table.withLock { table in
            if let entry = table.entries[key], entry.expires > now { return .retransmission(entry.response) }
            // Pruned every 5 s, or every second while full (not on every request of a flood).
            let full = table.entries.count >= capacity
            if now - table.lastPrune > (full ? .seconds(1) : .seconds(5)) {
                table.entries = table.entries.filter { $0.value.expires > now }
                table.lastPrune = now
            }
            guard table.entries.count < capacity else { return .new }
            table.entries[key] = Entry(response: nil, expires: now + timerJ)
            return .new
        }
    }

    /// Records the response of `key`'s transaction, kept for `lifetime` (nil: not at all).
    func complete(_ key: String, _ response: [UInt8], keepFor lifetime: Duration?) {
        let now = ContinuousClock.now
        table.withLock { table in
            if let lifetime {
                table.entries[key]?.response = response
                table.entries[key]?.expires = now + min(lifetime, timerJ)
            } else {
                table.entries[key] = nil
            }
        }
    }
}
