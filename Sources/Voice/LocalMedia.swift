import SDP

/// A leg's side of the SDP offer/answer: its RTP port and session, the current answer and
/// what was negotiated. Later offers in the dialog keep the session and raise its version.
struct LocalMedia: Sendable {
    let negotiator: OfferAnswer
    let port: Int
    let sessionID: String
    private(set) var answer: SessionDescription
    private(set) var negotiated: NegotiatedMedia

    /// Answers the first offer of a call.
    init(offer: SessionDescription, negotiator: OfferAnswer, port: Int) throws(SDPError) {
        self.negotiator = negotiator
        self.port = port
        self.sessionID = String(UInt32.random(in: 1...UInt32.max))
        (answer, negotiated) = try negotiator.answer(offer, localPort: port, sessionID: sessionID)
    }

    /// Answers a later offer (hold, resume, a new address); on failure nothing changes.
    mutating func renegotiate(_ offer: SessionDescription) throws(SDPError) {
        (answer, negotiated) = try negotiator.answer(
            offer, localPort: port, sessionID: sessionID, sessionVersion: answer.origin.sessionVersion + 1)
    }
}
