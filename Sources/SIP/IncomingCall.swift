import Foundation
import SIPMessages
import Synchronization

/// What happens to an incoming INVITE after it was handed to the call layer.
public enum IncomingCallEvent: Sendable {
    /// The caller acknowledged the final response.
    case acknowledged
    /// The caller gave up before the call was answered (CANCEL; RFC 3261 §9.2).
    case canceled
    /// The caller hung up an answered call (BYE).
    case hungUp
    /// No ACK came for a 2xx within 64·T1: the call is dead.
    case acknowledgementTimedOut
    /// A new offer inside the dialog (re-INVITE or UPDATE): hold, resume, new media.
    case offer(DialogOffer)
    /// A key pressed, relayed by SIP INFO.
    case dtmf(InfoDTMF)
}

/// The server side of one INVITE (RFC 3261 §17.2.1) and, once answered, of its dialog: sends
/// provisional and final responses, retransmits the final response over UDP until the ACK
/// (Timer G, with 2xx retransmission per §13.3.1.4), keeps the caller's CSeq order (§12.2.2),
/// answers re-INVITEs the same way, and reports ACK, CANCEL, BYE, new offers and INFO DTMF
/// as events.
public final class IncomingCall: Sendable {
    public let request: SIPRequest
    public let source: SIPSource
    /// Our To tag, set on every response but 100.
    public let localTag: String
    public let events: AsyncStream<IncomingCallEvent>

    let callID: String
    let branchKey: String
    private let via: Via?
    private let localContact: String
    private let continuation: AsyncStream<IncomingCallEvent>.Continuation
    private let state: Mutex<State>
    private let onEnd: @Sendable (IncomingCall) -> Void

    private struct State {
        var lastResponse: [UInt8]?
        var finalStatus: Int?
        var acknowledged = false
        var ended = false
        /// The highest CSeq number the caller used in this dialog.
        var remoteCSeq: UInt64
        var reinvite: Reinvite?
    }

    /// The caller's re-INVITE being answered: its CSeq, the final response once sent, and
    /// whether the ACK came.
    private struct Reinvite {
        let cseq: UInt64
        var response: [UInt8]?
        var acknowledged = false
    }

    init(request: SIPRequest, source: SIPSource, via: Via?, localContact: String, onEnd: @escaping @Sendable (IncomingCall) -> Void) {
        self.request = request
        self.source = source
        self.via = via
        self.localContact = localContact
        self.localTag = Registrar.tag()
        self.callID = request.headers["Call-ID"] ?? ""
        self.branchKey = ResponseCache.key(request, via: via)
        self.onEnd = onEnd
        let cseq = request.headers["CSeq"].flatMap(SIPEndpoint.parseCSeq)?.0 ?? 0
        self.state = Mutex(State(remoteCSeq: cseq))
        (events, continuation) = AsyncStream.makeStream()
    }

    /// Sends a response; a final one is retransmitted over UDP until acknowledged.
    public func respond(status: Int, reason: String, sdp: String? = nil, headers extra: [(String, String)] = []) {
        var response = SIPResponse(to: request, status: status, reason: reason, toTag: status == 100 ? nil : localTag)
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
        if isFinal && source.transport == .udp {
            retransmit(bytes, until: { $0.acknowledged || $0.ended }) { call in
                call.continuation.yield(.acknowledgementTimedOut)
                call.end()
            }
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
        onEnd(self)
    }

    func resendLastResponse() {
        if let bytes = state.withLock({ $0.lastResponse }) { send(bytes) }
    }

    /// An ACK in the dialog: for the INVITE that created it or for a later re-INVITE.
    func acknowledge(cseq: UInt64) {
        let reinvite = state.withLock { state -> Bool in
            guard state.reinvite?.cseq == cseq else { return false }
            state.reinvite?.acknowledged = true
            return true
        }
        if !reinvite { acknowledge() }
    }

    private func acknowledge() {
        let first = state.withLock { state -> Bool in
            defer { state.acknowledged = true }
            return !state.acknowledged && state.finalStatus != nil
        }
        if first { continuation.yield(.acknowledged) }
        if state.withLock({ ($0.finalStatus ?? 0) >= 300 }) { end() }
    }

    /// CANCEL: 487 to the INVITE if it is still unanswered, and the event for the call layer.
    func cancel() -> Bool {
        guard state.withLock({ $0.finalStatus == nil }) else { return false }
        respond(status: 487, reason: "Request Terminated")
        continuation.yield(.canceled)
        return true
    }

    func hangUp() {
        continuation.yield(.hungUp)
        end()
    }

    /// Whether an in-dialog request with this CSeq number comes in order (§12.2.2: a lower or
    /// equal one gets 500); an accepted one becomes the new mark.
    func admit(cseq: UInt64) -> Bool {
        state.withLock { state in
            guard cseq > state.remoteCSeq else { return false }
            state.remoteCSeq = cseq
            return true
        }
    }

    /// What to do with a re-INVITE in this dialog before the call layer sees it.
    enum ReinviteDisposition {
        /// A retransmission: its response (if any) was sent again.
        case retransmission
        /// The INVITE or another re-INVITE is still unanswered (§14.2: 500 with Retry-After).
        case pending
        /// Out of order.
        case outOfOrder
        case new(DialogOffer)
    }

    /// A re-INVITE from the caller: becomes a `DialogOffer` whose final response is
    /// retransmitted until the ACK with the same CSeq.
    func reinvite(_ request: SIPRequest, via: Via?) -> ReinviteDisposition {
        guard let cseq = request.headers["CSeq"].flatMap(SIPEndpoint.parseCSeq)?.0 else { return .outOfOrder }
        enum Check { case resend([UInt8]?), pending, outOfOrder, new }
        let check = state.withLock { state -> Check in
            if let reinvite = state.reinvite, reinvite.cseq == cseq { return .resend(reinvite.response) }
            guard !state.ended, state.finalStatus.map({ $0 / 100 == 2 }) == true else { return .pending }
            if let reinvite = state.reinvite, reinvite.response == nil { return .pending }
            guard cseq > state.remoteCSeq else { return .outOfOrder }
            state.remoteCSeq = cseq
            state.reinvite = Reinvite(cseq: cseq)
            return .new
        }
        switch check {
        case .resend(let bytes):
            if let bytes { send(bytes) }
            return .retransmission
        case .pending: return .pending
        case .outOfOrder: return .outOfOrder
        case .new: break
        }
        send(SIPResponse(to: request, status: 100, reason: "Trying").serialized())
        let body = request.body.isEmpty ? nil : String(decoding: request.body, as: UTF8.self)
        let offer = DialogOffer(method: "INVITE", sdp: body) { [weak self] status, reason, sdp in
            self?.answerReinvite(request, cseq: cseq, status: status, reason: reason, sdp: sdp)
        }
        return .new(offer)
    }

    /// Hands a new offer or an INFO key to the call layer.
    func deliver(_ event: IncomingCallEvent) {
        continuation.yield(event)
    }

    private func answerReinvite(_ request: SIPRequest, cseq: UInt64, status: Int, reason: String, sdp: String?) {
        var response = SIPResponse(to: request, status: status, reason: reason, toTag: localTag)
        if status / 100 == 2 { response.headers.add("Contact", localContact) }
        if let sdp {
            response.headers.add("Content-Type", "application/sdp")
            response.body = Array(sdp.utf8)
        }
        let bytes = response.serialized()
        let first = state.withLock { state -> Bool in
            guard state.reinvite?.cseq == cseq, state.reinvite?.response == nil else { return false }
            state.reinvite?.response = bytes
            return true
        }
        guard first else { return }
        send(bytes)
        if source.transport == .udp {
            retransmit(bytes, until: { $0.ended || $0.reinvite?.cseq != cseq || $0.reinvite?.acknowledged == true }) { _ in }
        }
    }

    private func send(_ bytes: [UInt8]) {
        let port = (via?.parameters["rport"] != nil || source.transport == .tcp) ? source.port : (via?.port ?? 5060)
        source.send(bytes, source.address, port)
    }

    /// Timer G: resends a final response at T1, 2·T1, … up to T2 until `done`, for 64·T1;
    /// then `timedOut` runs.
    private func retransmit(
        _ bytes: [UInt8], until done: @escaping @Sendable (State) -> Bool,
        timedOut: @escaping @Sendable (IncomingCall) -> Void
    ) {
        Task { [weak self] in
            var interval: Duration = .milliseconds(500)
            var waited: Duration = .zero
            while waited < .seconds(32) {
                try? await Task.sleep(for: interval)
                waited += interval
                guard let self else { return }
                if self.state.withLock({ done($0) }) { return }
                self.send(bytes)
                interval = min(interval * 2, .seconds(4))
            }
            guard let self, !self.state.withLock({ done($0) }) else { return }
            timedOut(self)
        }
    }
}

/// The call layer above SIP: decides what to do with each new INVITE.
public protocol CallHandler: Sendable {
    func incoming(_ call: IncomingCall) async
}
