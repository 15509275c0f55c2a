import SMPP
import SMPPMessages

/// What the outbox hands its parts to: an SMSC bind (`SMPPClient`).
public protocol ShortMessageCarrier: Sendable {
    /// Returns once the carrier can take messages (the bind is up); throws when it never will.
    func waitUntilBound() async throws

    /// Submits one part and returns the SMSC's message id.
    func submit(_ message: ShortMessage) async throws(SMPPSubmitError) -> String
}

extension SMPPClient: ShortMessageCarrier {}
