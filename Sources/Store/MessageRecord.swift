import Foundation

/// One SMS, sent or received (Twilio's Message resource). Written before the API answers, and
/// at every change of status, so a crash loses no message the API accepted.
public struct MessageRecord: Sendable, Equatable {
    public var sid: MessageSid
    public var accountSid: AccountSid
    public var direction: MessageDirection
    /// What the handset sees: the shared sender for outbound messages.
    public var from: String
    public var to: String
    public var body: String
    public var status: MessageStatus
    public var segmentCount: Int
    /// `GSM-7` or `UCS-2`.
    public var encoding: String
    public var errorCode: Int?
    public var errorMessage: String?
    public var statusCallback: String?
    public var statusCallbackMethod: WebhookMethod
    /// The call whose `<Sms>` sent it.
    public var callSid: CallSid?
    /// Times handed to the SMSC. Above 1 only after a crash or a lost link while it was in
    /// flight: the handset may then get it twice.
    public var attempts: Int
    public var dateCreated: Date
    public var dateUpdated: Date
    public var dateSent: Date?

    public init(
        sid: MessageSid, accountSid: AccountSid, direction: MessageDirection, from: String, to: String, body: String,
        status: MessageStatus, segmentCount: Int, encoding: String, errorCode: Int? = nil, errorMessage: String? = nil,
        statusCallback: String? = nil, statusCallbackMethod: WebhookMethod = .post, callSid: CallSid? = nil, attempts: Int = 0,
        dateCreated: Date, dateUpdated: Date, dateSent: Date? = nil
    ) {
        self.sid = sid
        self.accountSid = accountSid
        self.direction = direction
        self.from = from
        self.to = to
        self.body = body
        self.status = status
        self.segmentCount = segmentCount
        self.encoding = encoding
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.statusCallback = statusCallback
        self.statusCallbackMethod = statusCallbackMethod
        self.callSid = callSid
        self.attempts = attempts
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
        self.dateSent = dateSent
    }
}

/// Twilio's message statuses that Parley uses, in the order an outbound message goes through them.
public enum MessageStatus: String, Sendable, CaseIterable {
    case queued, sending, sent, delivered, undelivered, failed, received

    public var isFinal: Bool {
        switch self {
        case .delivered, .undelivered, .failed, .received: true
        case .queued, .sending, .sent: false
        }
    }
}

public enum MessageDirection: String, Sendable, CaseIterable {
    case inbound
    case outboundAPI = "outbound-api"
    case outboundCall = "outbound-call"
    /// Sent in answer to an incoming message (the webhook's `<Message>`).
    case outboundReply = "outbound-reply"
}

/// What one part's delivery receipt said.
public enum MessagePartOutcome: String, Sendable, CaseIterable {
    case delivered, undelivered, failed
}

public enum MessageKind: SidKind { public static let prefix = "SM" }
public typealias MessageSid = Sid<MessageKind>
