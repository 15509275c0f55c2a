import SIPMessages
import Synchronization

/// The requests the far end sends inside one dialog, for either call direction: their CSeq
/// order (RFC 3261 §12.2.2), one re-INVITE at a time (§14.2), and each re-INVITE's final
/// response retransmitted until its ACK.
final class DialogServer: Sendable {
    private struct State {
        /// The highest CSeq number the far end used in this dialog.
        var remoteCSeq: UInt64
        var reinvite: Reinvite?
    }

    /// The far end's re-INVITE being answered: its CSeq, the final response once sent, and
    /// whether the ACK came.
    private struct Reinvite {
        let cseq: UInt64
        var response: [UInt8]?
        var acknowledged = false
    }

    private let state: Mutex<State>
    private let localTag: String
    private let localContact: String

    init(remoteCSeq: UInt64, localTag: String, localContact: String) {
        state = Mutex(State(remoteCSeq: remoteCSeq))
        self.localTag = localTag
        self.localContact = localContact
    }

    /// Whether an in-dialog request with this CSeq number comes in order (a lower or equal one
    /// gets 500); an accepted one becomes the new mark.
    func admit(cseq: UInt64) -> Bool {
        state.withLock { state in
            guard cseq > state.remoteCSeq else { return false }
            state.remoteCSeq = cseq
            return true
        }
    }

    /// Records the ACK of a re-INVITE; false when `cseq` is not one.
    func acknowledge(cseq: UInt64) -> Bool {
        state.withLock { state in
            guard state.reinvite?.cseq == cseq else { return false }
            state.reinvite?.acknowledged = true
            return true
        }
    }

    /// A re-INVITE from the far end, answered through `reply` (to where it came from). A new
    /// one becomes a `DialogOffer` for the call layer.
    func reinvite(
        _ request: SIPRequest, established: Bool, reliable: Bool, reply: @escaping @Sendable ([UInt8]) -> Void
    ) -> ReinviteDisposition {
        guard let cseq = request.headers["CSeq"].flatMap(SIPEndpoint.parseCSeq)?.0 else { return .outOfOrder }
        enum Check { case resend([UInt8]?), pending, outOfOrder, new }
        let check = state.withLock { state -> Check in
            if let reinvite = state.reinvite, reinvite.cseq == cseq { return .resend(reinvite.response) }
            guard established else { return .pending }
            if let reinvite = state.reinvite, reinvite.response == nil { return .pending }
            guard cseq > state.remoteCSeq else { return .outOfOrder }
            state.remoteCSeq = cseq
            state.reinvite = Reinvite(cseq: cseq)
            return .new
        }
        switch check {
        case .resend(let bytes):
            if let bytes { reply(bytes) }
            return .retransmission
        case .pending: return .pending
        case .outOfOrder: return .outOfOrder
        case .new: break
        }
        reply(SIPResponse(to: request, status: 100, reason: "Trying").serialized())
        let body = request.body.isEmpty ? nil : String(decoding: request.body, as: UTF8.self)
        return .new(
            DialogOffer(method: "INVITE", sdp: body) { [weak self] status, reason, sdp in
                self?.answer(request, cseq: cseq, status: status, reason: reason, sdp: sdp, reliable: reliable, reply: reply)
            })
    }

    private func answer(
        _ request: SIPRequest, cseq: UInt64, status: Int, reason: String, sdp: String?, reliable: Bool,
        reply: @escaping @Sendable ([UInt8]) -> Void
    ) {
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
        reply(bytes)
        guard !reliable else { return }
        Retransmission.start(
            send: { reply(bytes) },
            until: { [weak self] in
                self?.state.withLock { $0.reinvite?.cseq != cseq || $0.reinvite?.acknowledged == true } ?? true
            })
    }
}

/// What became of a re-INVITE before the call layer sees it.
enum ReinviteDisposition {
    /// A retransmission: its response (if any) was sent again.
    case retransmission
    /// The call is not established yet or another re-INVITE is still unanswered (500 with
    /// Retry-After).
    case pending
    /// Out of CSeq order (500).
    case outOfOrder
    case new(DialogOffer)
}
