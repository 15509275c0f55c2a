import Foundation
import SIPMessages
import Synchronization

/// The server side of one INVITE (RFC 3261 §17.2.1) and, once answered, of its dialog: sends
/// provisional and final responses (with the request's Record-Route, §12.1.1), retransmits
/// the final response over UDP until the ACK (Timer G, with 2xx retransmission per
/// §13.3.1.4), hangs up with BYE, and reports ACK, CANCEL, BYE, new offers and INFO DTMF as
/// events.
public final class IncomingCall: DialogPeer, Sendable {
    public let request: SIPRequest
    public let source: SIPSource
    /// Our To tag, set on every response but 100.
    public let localTag: String
    public let events: AsyncStream<CallEvent>

    let callID: String
    let branchKey: String
    /// Call-ID, From tag and CSeq: what identifies the request whatever path it took.
    let originKey: String
    let dialogServer: DialogServer
    private let via: Via?
    private let localContact: String
    private let endpoint: SIPEndpoint
    private let continuation: AsyncStream<CallEvent>.Continuation
    private let state = Mutex(State())

    private struct State {
        /// A softphone calls: requests Parley sends in the dialog go where its INVITE came from.
        var fromSoftphone = false
        var lastResponse: [UInt8]?
        var finalStatus: Int?
        var acknowledged = false
        var ended = false
        var localCSeq: UInt64 = 0
    }

    init(request: SIPRequest, source: SIPSource, via: Via?, localContact: String, endpoint: SIPEndpoint) {
        self.request = request
        self.source = source
        self.via = via
        self.localContact = localContact
        self.endpoint = endpoint
        self.localTag = Registrar.tag()
        self.callID = request.headers["Call-ID"] ?? ""
        self.branchKey = ResponseCache.key(request, via: via)
        self.originKey = [callID, NameAddress(request.headers["From"] ?? "")?.tag ?? "", request.headers["CSeq"] ?? ""].joined(separator: "|")
        let cseq = request.headers["CSeq"].flatMap(SIPEndpoint.parseCSeq)?.0 ?? 0
        self.dialogServer = DialogServer(remoteCSeq: cseq, localTag: localTag, localContact: localContact)
        (events, continuation) = AsyncStream.makeStream()
    }

    var isEstablished: Bool { state.withLock { $0.finalStatus.map { $0 / 100 == 2 } == true && !$0.ended } }

    /// Sends a response; a final one is retransmitted over UDP until acknowledged.
    /// A final response over UDP is retransmitted until the ACK (RFC 3261 §17.2.1), unless
    /// `retransmit` is false: a challenge or refusal sent before the caller proved anything
    /// goes once, so a spoofed source cannot turn Parley into an amplifier. Either way the
    /// transaction waits for the ACK (or Timer H) before it ends.
    public func respond(status: Int, reason: String, sdp: String? = nil, headers extra: [(String, String)] = [], retransmit: Bool = true) {
        var response = SIPResponse(to: request, status: status, reason: reason, toTag: status == 100 ? nil : localTag)
        if status > 100 && status < 300 {
            for route in request.headers.values("Record-Route") { response.headers.add("Record-Route", route) }
        }
        for (name, value) in extra { response.headers.add(name, value) }
        if status / 100 == 2 { response.headers.add("Contact", localContact) }
        if let sdp {
            response.headers.add("Content-Type", "application/sdp")
            response.body = Array(sdp.utf8)
        }
        let bytes = response.serialized()
        let isFinal = status >= 200
        let proceed = state.withLock { state -> Bool in
            guard state.finalStatus == nil else { return false }
            state.lastResponse = bytes
            if isFinal { state.finalStatus = status }
            return true
        }
        guard proceed else { return }
        send(bytes)
        guard isFinal && source.transport == .udp else { return }
        let resend: @Sendable () -> Void
        if retransmit {
            resend = { [weak self] in self?.send(bytes) }
        } else {
            resend = {}
        }
        Retransmission.start(
            send: resend,
            until: { [weak self] in self?.state.withLock { $0.acknowledged || $0.ended } ?? true },
            timedOut: { [weak self] in
                self?.continuation.yield(.acknowledgementTimedOut)
                self?.end()
            })
    }

    /// The caller is a softphone (an authenticated Client): Parley's requests in the dialog go
    /// back where its INVITE came from, through its NAT, not to the private address its
    /// Contact may name.
    public func markFromSoftphone() {
        state.withLock { $0.fromSoftphone = true }
    }

    /// Whether `markFromSoftphone()` was called: the caller's media may come through its NAT.
    public var isFromSoftphone: Bool { state.withLock { $0.fromSoftphone } }

    /// Parley hangs up an answered call: BYE to the caller (its Contact, through the route
    /// set; a softphone's flow), then the call's bookkeeping ends.
    public func hangUp() {
        guard let contact = request.headers["Contact"].flatMap(NameAddress.init) else { return end() }
        let cseq = state.withLock { state -> UInt64? in
            guard !state.ended, state.finalStatus.map({ $0 / 100 == 2 }) == true else { return nil }
            state.localCSeq += 1
            return state.localCSeq
        }
        guard let cseq else { return }
        var dialog = DialogRoute(
            callID: callID, local: (request.headers["To"] ?? "") + ";tag=\(localTag)", remote: request.headers["From"] ?? "",
            remoteTarget: contact.uriText, routeSet: request.headers.values("Record-Route"))
        if state.withLock({ $0.fromSoftphone }) { dialog.flow = (source.address, source.port) }
        let bye = dialog.request("BYE", cseq: cseq, via: endpoint.newVia(transport: source.transport, toward: source.address), contact: nil)
        let hop = dialog.nextHop
        let source = self.source
        let endpoint = self.endpoint
        // The session is over once the BYE is handed to its transaction (RFC 3261 §15.1.1):
        // the call layer ends the call now, not when a silent peer's transaction times out.
        continuation.finish()
        Task { [weak self] in
            _ = await endpoint.clientTransactions.send(bye, reliable: source.transport.isReliable) { bytes in
                // Over TCP the BYE goes back on the caller's connection.
                source.send(bytes, hop?.host ?? source.address, hop?.port ?? source.port)
            }
            self?.end()
        }
    }

    /// Ends the call's bookkeeping (after a BYE, a CANCEL or a failure).
    public func end() {
        let first = state.withLock { state -> Bool in
            defer { state.ended = true }
            return !state.ended
        }
        guard first else { return }
        continuation.finish()
        endpoint.forget(self)
    }

    func resendLastResponse() {
        if let bytes = state.withLock({ $0.lastResponse }) { send(bytes) }
    }

    /// An ACK in the dialog: for the INVITE that created it or for a later re-INVITE.
    func acknowledge(cseq: UInt64) {
        guard !dialogServer.acknowledge(cseq: cseq) else { return }
        let (first, failed) = state.withLock { state -> (Bool, Bool) in
            defer { state.acknowledged = true }
            return (!state.acknowledged && state.finalStatus != nil, (state.finalStatus ?? 0) >= 300)
        }
        if first { continuation.yield(.acknowledged) }
        if failed { end() }
    }

    /// CANCEL: 487 to the INVITE if it is still unanswered, and the event for the call layer.
    func cancel() -> Bool {
        guard state.withLock({ $0.finalStatus == nil }) else { return false }
        respond(status: 487, reason: "Request Terminated")
        continuation.yield(.canceled)
        return true
    }

    func farEndHungUp() {
        continuation.yield(.hungUp)
        end()
    }

    func deliver(_ event: CallEvent) {
        continuation.yield(event)
    }

    private func send(_ bytes: [UInt8]) {
        source.reply(bytes, via: via)
    }
}

/// The call layer above SIP: decides what to do with each new INVITE.
public protocol CallHandler: Sendable {
    func incoming(_ call: IncomingCall) async
}
