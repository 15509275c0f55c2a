/// A new offer from the caller inside an established dialog (a re-INVITE or an UPDATE with
/// SDP, RFC 3311): hold, resume or new media. The call layer negotiates and answers it
/// exactly once; the SIP side sends the response and, for a re-INVITE, retransmits it until
/// the ACK.
public final class DialogOffer: Sendable {
    /// `INVITE` or `UPDATE`.
    public let method: String
    /// The offered SDP, or nil for a re-INVITE without one (the answer then carries our offer).
    public let sdp: String?
    private let reply: @Sendable (_ status: Int, _ reason: String, _ sdp: String?) -> Void

    init(method: String, sdp: String?, reply: @escaping @Sendable (_ status: Int, _ reason: String, _ sdp: String?) -> Void) {
        self.method = method
        self.sdp = sdp
        self.reply = reply
    }

    /// 200 OK carrying `answer`.
    public func accept(answer: String) {
        reply(200, "OK", answer)
    }

    /// A final refusal (488 for an offer without a common codec); the dialog stays as it was.
    public func reject(status: Int, reason: String) {
        reply(status, reason, nil)
    }
}
