import SIPMessages
import Synchronization

/// The client side of one INVITE Parley sends (RFC 3261 §17.1.1) and, once answered, of its
/// dialog: Timer A retransmissions and Timer B, the ACK for every final response (a new
/// transaction for a 2xx, §13.2.2.4, sent again for each retransmitted 2xx), CANCEL once a
/// provisional response came (§9.1), BYE to hang up, and the far end's requests in the dialog.
/// Given credentials, it answers a 401 or 407 challenge (a carrier's) by sending the INVITE
/// again with them, in a new transaction with the next CSeq (RFC 3261 §22.2).
public final class OutgoingCall: DialogPeer, Sendable {
    public let callID: String
    /// Our From tag; the far end's requests in the dialog carry it in their To.
    public let localTag: String
    public let events: AsyncStream<CallEvent>
    let dialogServer: DialogServer

    private let endpoint: SIPEndpoint
    private let destination: SIPDestination
    /// The softphone's address when the call goes to a registered Client's flow: its media
    /// may come from any port there.
    public var flowHost: String? { destination.isFlow ? destination.host : nil }
    private let credentials: SIPCredentials?
    private let continuation: AsyncStream<CallEvent>.Continuation
    private let state: Mutex<State>

    /// Challenges answered before a refusal is final: a carrier that challenges the answer
    /// again has refused the credentials.
    private static let authenticationAttempts = 2

    private struct State {
        /// The INVITE of the current transaction and its branch; both change when a challenge
        /// is answered.
        var invite: SIPRequest
        var branch: String
        var cseq: UInt64 = 1
        var authenticated = 0
        /// The ACKs of the transactions a challenge ended, sent again if their final response
        /// is retransmitted.
        var challengeAcks: [String: [UInt8]] = [:]
        /// Any response stops Timer A; any provisional one allows CANCEL.
        var responded = false
        var provisional = false
        var finalStatus: Int?
        var cancelRequested = false
        var cancelSent = false
        var dialog: DialogRoute?
        var ack: [UInt8]?
        var localCSeq: UInt64 = 1
        var ended = false
    }

    init(
        invite: SIPRequest, branch: String, destination: SIPDestination, credentials: SIPCredentials?, localTag: String,
        localContact: String, endpoint: SIPEndpoint
    ) {
        state = Mutex(State(invite: invite, branch: branch))
        self.credentials = credentials
        self.destination = destination
        self.localTag = localTag
        self.endpoint = endpoint
        self.callID = invite.headers["Call-ID"] ?? ""
        self.dialogServer = DialogServer(remoteCSeq: 0, localTag: localTag, localContact: localContact)
        (events, continuation) = AsyncStream.makeStream()
    }

    var isEstablished: Bool { state.withLock { $0.dialog != nil && !$0.ended } }

    /// Whether the far end has answered the INVITE at all (even 100 Trying).
    public var hasResponded: Bool { state.withLock { $0.responded || $0.finalStatus != nil } }

    /// The INVITE of the current transaction.
    var invite: SIPRequest { state.withLock { $0.invite } }

    /// Sends the INVITE; over UDP Timer A resends it until a response; Timer B gives up after
    /// 32 s without one.
    func start() {
        let (bytes, branch) = state.withLock { ($0.invite.serialized(), $0.branch) }
        send(bytes)
        let reliable = destination.transport.isReliable
        Retransmission.start(
            cap: nil, send: { [weak self] in if !reliable { self?.send(bytes) } },
            until: { [weak self] in self?.state.withLock { $0.responded || $0.ended || $0.branch != branch } ?? true },
            timedOut: { [weak self] in
                guard let self, self.state.withLock({ $0.branch == branch }) else { return }
                self.giveUp()
            })
    }

    /// Hangs up: CANCEL before the answer, BYE after it. Before any provisional response the
    /// CANCEL must wait for one (it is sent if one comes before Timer B); the call layer hears
    /// `rejected(487)` at once, since the call is over for it.
    public func hangUp() {
        enum Step { case cancel, bye, waitForProvisional, nothing }
        let step = state.withLock { state -> Step in
            guard !state.ended else { return .nothing }
            if state.dialog != nil { return .bye }
            guard state.finalStatus == nil, !state.cancelRequested else { return .nothing }
            state.cancelRequested = true
            guard state.provisional else { return .waitForProvisional }
            state.cancelSent = true
            return .cancel
        }
        switch step {
        case .cancel: sendCancel()
        case .bye: sendBye()
        case .waitForProvisional: continuation.yield(.rejected(status: 487, reason: "Request Terminated"))
        case .nothing: return
        }
    }

    /// A response to the INVITE (the endpoint matched its branch).
    func receive(_ response: SIPResponse) {
        let branch = response.headers.values("Via").first.flatMap(Via.init)?.branch ?? ""
        let old = state.withLock { state -> (stale: Bool, ack: [UInt8]?) in
            (state.branch != branch, state.challengeAcks[branch])
        }
        guard !old.stale else {
            if let ack = old.ack, response.status >= 300 { send(ack) }  // a challenge retransmitted: ACK it again
            return
        }
        let status = response.status
        if status == 401 || status == 407, answerChallenge(response) { return }
        if status < 200 {
            let cancel = state.withLock { state -> Bool in
                state.responded = true
                guard status > 100, state.finalStatus == nil else { return false }
                state.provisional = true
                guard state.cancelRequested, !state.cancelSent else { return false }
                state.cancelSent = true
                return true
            }
            if cancel { sendCancel() }
            if status == 180 || status == 183 {
                continuation.yield(.ringing(earlyMedia: response.body.isEmpty ? nil : String(decoding: response.body, as: UTF8.self)))
            }
            return
        }
        if status < 300 {
            answered(response)
        } else {
            rejected(response)
        }
    }

    private func answered(_ response: SIPResponse) {
        guard let to = response.headers["To"], NameAddress(to)?.tag != nil else { return }
        // A 2xx must carry a Contact (§12.1.2); without one, the request-URI is the best target.
        let target = response.headers["Contact"].flatMap(NameAddress.init)?.uriText ?? invite.uri
        enum Outcome { case first(canceled: Bool), retransmission([UInt8]?) }
        var dialog = DialogRoute(
            callID: callID, local: invite.headers["From"] ?? "", remote: to, remoteTarget: target,
            routeSet: response.headers.values("Record-Route").reversed())
        if destination.isFlow { dialog.flow = (destination.host, destination.port) }
        let outcome = state.withLock { state -> Outcome in
            state.responded = true
            guard state.finalStatus == nil else { return .retransmission(state.ack) }
            state.finalStatus = response.status
            state.dialog = dialog
            return .first(canceled: state.cancelRequested)
        }
        switch outcome {
        case .retransmission(let ack):
            if let ack { sendInDialog(ack) }
        case .first(let canceled):
            let cseq = state.withLock { $0.cseq }
            let ack = dialog.request("ACK", cseq: cseq, via: endpoint.newVia(transport: destination.transport, toward: destination.host), contact: nil)
                .serialized()
            state.withLock { $0.ack = ack }
            sendInDialog(ack)
            if canceled {
                // The answer crossed our CANCEL: the call is over for us.
                continuation.yield(.rejected(status: 487, reason: "Request Terminated"))
                sendBye()
            } else {
                continuation.yield(.answered(sdp: String(decoding: response.body, as: UTF8.self)))
            }
        }
    }

    /// The ACK of a final refusal, in the INVITE's own transaction (§17.1.1.3).
    private func refusalAck(_ response: SIPResponse, of invite: SIPRequest, cseq: UInt64) -> [UInt8] {
        var headers = SIPHeaders()
        if let via = invite.headers["Via"] { headers.add("Via", via) }
        headers.add("Max-Forwards", "70")
        for name in ["From", "Call-ID"] { if let value = invite.headers[name] { headers.add(name, value) } }
        headers.add("To", response.headers["To"] ?? invite.headers["To"] ?? "")
        headers.add("CSeq", "\(cseq) ACK")
        return SIPRequest(method: "ACK", uri: invite.uri, headers: headers).serialized()
    }

    /// Answers a 401 or 407 with the credentials, once per attempt allowed: the challenged
    /// transaction is acknowledged and the INVITE goes again with the next CSeq, a new branch
    /// and an Authorization (or Proxy-Authorization). False when it cannot be answered.
    private func answerChallenge(_ response: SIPResponse) -> Bool {
        let header = response.status == 401 ? "WWW-Authenticate" : "Proxy-Authenticate"
        guard let credentials, let challenge = response.headers.values(header).lazy.compactMap(DigestChallenge.init).first else {
            return false
        }
        let via = endpoint.newVia(transport: destination.transport, toward: destination.host)
        let next = state.withLock { state -> (SIPRequest, old: String, new: String)? in
            guard state.authenticated < Self.authenticationAttempts, state.finalStatus == nil, !state.cancelRequested, !state.ended
            else { return nil }
            state.authenticated += 1
            state.challengeAcks[state.branch] = refusalAck(response, of: state.invite, cseq: state.cseq)
            var invite = state.invite
            state.cseq += 1
            state.localCSeq = state.cseq
            invite.headers.set("Via", via)
            invite.headers.set("CSeq", "\(state.cseq) INVITE")
            invite.headers.set(
                response.status == 401 ? "Authorization" : "Proxy-Authorization",
                challenge.answer(username: credentials.username, password: credentials.password, method: "INVITE", uri: invite.uri))
            let old = state.branch
            state.invite = invite
            state.branch = Via(via)?.branch ?? ""
            state.responded = false
            state.provisional = false
            return (invite, old, state.branch)
        }
        guard let (_, old, new) = next else { return false }
        if let ack = state.withLock({ $0.challengeAcks[old] }) { send(ack) }
        endpoint.clientTransactions.register(ClientTransactions.key(branch: new, method: "INVITE")) { [weak self] in self?.receive($0) }
        start()
        return true
    }

    /// A final refusal: ACK in the same transaction (§17.1.1.3), again for each retransmission.
    private func rejected(_ response: SIPResponse) {
        send(state.withLock { refusalAck(response, of: $0.invite, cseq: $0.cseq) })
        let first = state.withLock { state -> Bool in
            state.responded = true
            guard state.finalStatus == nil else { return false }
            state.finalStatus = response.status
            return true
        }
        guard first else { return }
        continuation.yield(.rejected(status: response.status, reason: response.reason))
        // Keep absorbing retransmitted final responses for Timer D (32 s) before forgetting.
        Task { [weak self] in
            try? await Task.sleep(for: Retransmission.timeout)
            self?.end()
        }
    }

    private func sendCancel() {
        let (invite, cseq) = state.withLock { ($0.invite, $0.cseq) }
        var headers = SIPHeaders()
        if let via = invite.headers["Via"] { headers.add("Via", via) }
        headers.add("Max-Forwards", "70")
        for name in ["From", "To", "Call-ID"] { if let value = invite.headers[name] { headers.add(name, value) } }
        headers.add("CSeq", "\(cseq) CANCEL")
        let cancel = SIPRequest(method: "CANCEL", uri: invite.uri, headers: headers)
        let endpoint = self.endpoint
        let destination = self.destination
        Task { [weak self] in
            _ = await endpoint.clientTransactions.send(cancel, reliable: destination.transport.isReliable) {
                endpoint.sendOut($0, to: destination)
            }
            // No 487 within Timer B after the CANCEL: the callee is gone.
            try? await Task.sleep(for: Retransmission.timeout)
            guard let self, self.state.withLock({ $0.finalStatus == nil && !$0.ended }) else { return }
            self.giveUp()
        }
    }

    private func sendBye() {
        let via = endpoint.newVia(transport: destination.transport, toward: destination.host)
        let request = state.withLock { state -> SIPRequest? in
            guard let dialog = state.dialog, !state.ended else { return nil }
            state.localCSeq += 1
            return dialog.request("BYE", cseq: state.localCSeq, via: via, contact: nil)
        }
        guard let request else { return }
        let endpoint = self.endpoint
        // The session is over once the BYE is handed to its transaction (RFC 3261 §15.1.1).
        continuation.finish()
        Task { [weak self] in
            guard let self else { return }
            _ = await endpoint.clientTransactions.send(request, reliable: self.destination.transport.isReliable) { self.sendInDialog($0) }
            self.end()
        }
    }

    func acknowledge(cseq: UInt64) {
        _ = dialogServer.acknowledge(cseq: cseq)
    }

    func farEndHungUp() {
        continuation.yield(.hungUp)
        end()
    }

    func deliver(_ event: CallEvent) {
        continuation.yield(event)
    }

    private func giveUp() {
        let first = state.withLock { state -> Bool in
            guard state.finalStatus == nil, !state.ended else { return false }
            state.finalStatus = 408
            return true
        }
        guard first else { return }
        continuation.yield(.timedOut)
        end()
    }

    /// Forgets the call: no more events, out of the endpoint's tables.
    func end() {
        let first = state.withLock { state -> Bool in
            defer { state.ended = true }
            return !state.ended
        }
        guard first else { return }
        continuation.finish()
        let branches = state.withLock { [$0.branch] + $0.challengeAcks.keys }
        for branch in branches { endpoint.forget(self, branch: branch) }
    }

    private func send(_ bytes: [UInt8]) {
        endpoint.sendOut(bytes, to: destination)
    }

    /// In the dialog: over TCP on the connection the INVITE went on; over UDP to the route
    /// set's first hop or the far end's Contact.
    private func sendInDialog(_ bytes: [UInt8]) {
        guard !destination.transport.isReliable else { return send(bytes) }
        guard let hop = state.withLock({ $0.dialog?.nextHop }) else { return }
        endpoint.sendOut(bytes, to: SIPDestination(host: hop.host, port: hop.port))
    }
}
