import SMPPMessages

/// Why a submit_sm did not give a message id.
public enum SMPPSubmitError: Error, Equatable, Sendable {
    /// The SMSC refused the message with this status (not a back-pressure status, which is
    /// retried): sending it again would be refused again.
    case refused(SMPPStatus)
    /// The connection went down, or no response came in time, after the PDU was written: the
    /// SMSC may or may not have taken the message.
    case outcomeUnknown
    /// The message could not be written as a PDU.
    case unencodable(SMPPCodingError)
    /// The client was shut down.
    case shutDown
}
