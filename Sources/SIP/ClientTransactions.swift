import SIPMessages
import Synchronization

/// The client transactions Parley has open (RFC 3261 §17.1), by the branch of their Via and
/// their method: each response goes to the transaction that sent the request (§17.1.3).
final class ClientTransactions: Sendable {
    private let table = Mutex<[String: @Sendable (SIPResponse) -> Void]>([:])

    static func key(branch: String, method: String) -> String { branch + "|" + method }

    func register(_ key: String, _ handler: @escaping @Sendable (SIPResponse) -> Void) {
        table.withLock { $0[key] = handler }
    }

    func remove(_ key: String) {
        _ = table.withLock { $0.removeValue(forKey: key) }
    }

    /// Hands a response to its transaction; false when none matches (a stray response).
    func dispatch(_ response: SIPResponse) -> Bool {
        guard let branch = response.headers.values("Via").first.flatMap(Via.init)?.branch,
            let method = response.headers["CSeq"].flatMap(SIPEndpoint.parseCSeq)?.1,
            let handler = table.withLock({ $0[Self.key(branch: branch, method: method)] })
        else { return false }
        handler(response)
        return true
    }

    /// A non-INVITE client transaction (§17.1.2): sends `request` (its top Via carries the
    /// branch), retransmits it over UDP (Timer E, capped at T2) and returns the final response,
    /// or nil after 64·T1 without one (Timer F).
    func send(_ request: SIPRequest, reliable: Bool, through send: @escaping @Sendable ([UInt8]) -> Void) async -> SIPResponse? {
        guard let branch = request.headers.values("Via").first.flatMap(Via.init)?.branch else { return nil }
        let key = Self.key(branch: branch, method: request.method)
        let (responses, continuation) = AsyncStream<SIPResponse>.makeStream()
        register(key) { continuation.yield($0) }
        defer { remove(key) }
        let bytes = request.serialized()
        let finished = Atomic<Bool>(false)
        send(bytes)
        Retransmission.start(
            send: { if !reliable { send(bytes) } },
            until: { finished.load(ordering: .relaxed) },
            timedOut: { continuation.finish() })
        for await response in responses where response.status >= 200 {
            finished.store(true, ordering: .relaxed)
            return response
        }
        return nil
    }
}
