/// What happens to the SIP side of a call, reported to the call layer in order.
public enum CallEvent: Sendable {
    /// Inbound: the caller acknowledged the final response.
    case acknowledged
    /// Inbound: the caller gave up before the call was answered (CANCEL; RFC 3261 §9.2).
    case canceled
    /// Inbound: no ACK came for a 2xx within 64·T1: the call is dead.
    case acknowledgementTimedOut
    /// Outbound: the callee is ringing (180), or sends early media (183, with its SDP).
    case ringing(earlyMedia: String?)
    /// Outbound: the callee answered with this SDP; Parley sent the ACK.
    case answered(sdp: String)
    /// Outbound: a final refusal (486 busy, 480, 487 after Parley's CANCEL, …).
    case rejected(status: Int, reason: String)
    /// Outbound: no final response (Timer B, or no 487 after a CANCEL).
    case timedOut
    /// The far end hung up an answered call (BYE).
    case hungUp
    /// A new offer inside the dialog (re-INVITE or UPDATE): hold, resume, new media.
    case offer(DialogOffer)
    /// A key pressed, relayed by SIP INFO.
    case dtmf(InfoDTMF)
}

/// One side of an established dialog as the endpoint sees it: where the far end's ACK, BYE,
/// re-INVITE, UPDATE and INFO go.
protocol DialogPeer: AnyObject, Sendable {
    var dialogServer: DialogServer { get }
    /// Answered and not yet over: a re-INVITE may come.
    var isEstablished: Bool { get }
    /// The ACK for an INVITE of the far end.
    func acknowledge(cseq: UInt64)
    /// The far end's BYE.
    func farEndHungUp()
    func deliver(_ event: CallEvent)
}
