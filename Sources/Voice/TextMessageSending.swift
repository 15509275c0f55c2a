import Store

/// What `<Sms>` hands its message to: the Messaging layer, which sits above Voice and plugs
/// itself in here, so the interpreter needs no SMSC of its own.
public protocol TextMessageSending: Sendable {
    /// Checks and queues one SMS sent during `call`; returns its SID, or throws a
    /// `TextMessageRefusal` naming what was wrong.
    func sendText(account: AccountSid, from: String, to: String, body: String, statusCallback: String?, call: CallSid) async throws
        -> MessageSid
}

/// Why a text was not accepted, and which of its parts is to blame.
public struct TextMessageRefusal: Error, Sendable, CustomStringConvertible {
    public enum Field: Sendable {
        case to, from, body
    }

    public let field: Field
    public let description: String

    public init(field: Field, description: String) {
        self.field = field
        self.description = description
    }

    /// Twilio's error code for a refused `<Sms>`: 14101 `to`, 14102 `from`, 14103 the body.
    var code: Int {
        switch field {
        case .to: 14101
        case .from: 14102
        case .body: 14103
        }
    }
}

/// What `<Email>` hands its message to (the Messaging layer, plugged in like `TextMessageSending`).
public protocol EmailSending: Sendable {
    /// Checks and queues one e-mail sent during `call`, or throws an error saying what is wrong.
    func sendEmail(account: AccountSid, from: String?, to: [String], cc: [String], bcc: [String], subject: String?, body: String, call: CallSid)
        async throws
}
