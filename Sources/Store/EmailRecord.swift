import Foundation

/// One e-mail an account sent (Restcomm's Email resource): written before the API answers,
/// then at every attempt, so a crash or a relay outage loses none.
public struct EmailRecord: Sendable, Equatable {
    public var sid: EmailSid
    public var accountSid: AccountSid
    /// The sender the account asked for; the relay's envelope uses the operator's address.
    public var from: String
    public var to: [String]
    public var cc: [String]
    public var bcc: [String]
    public var subject: String
    public var body: String
    public var isHTML: Bool
    public var status: EmailStatus
    /// Times handed to the relay so far.
    public var attempts: Int
    /// When the next attempt is due (queued only).
    public var nextAttempt: Date?
    /// The relay's last answer: its queue id once sent, the refusal once failed.
    public var serverReply: String?
    public var callSid: CallSid?
    public var dateCreated: Date
    public var dateUpdated: Date
    public var dateSent: Date?

    public init(
        sid: EmailSid, accountSid: AccountSid, from: String, to: [String], cc: [String] = [], bcc: [String] = [], subject: String,
        body: String, isHTML: Bool, status: EmailStatus = .queued, attempts: Int = 0, nextAttempt: Date?, serverReply: String? = nil,
        callSid: CallSid? = nil, dateCreated: Date, dateUpdated: Date, dateSent: Date? = nil
    ) {
        self.sid = sid
        self.accountSid = accountSid
        self.from = from
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.subject = subject
        self.body = body
        self.isHTML = isHTML
        self.status = status
        self.attempts = attempts
        self.nextAttempt = nextAttempt
        self.serverReply = serverReply
        self.callSid = callSid
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
        self.dateSent = dateSent
    }
}

public enum EmailStatus: String, Sendable, CaseIterable {
    case queued, sending, sent, failed
}

public enum EmailKind: SidKind { public static let prefix = "EM" }
public typealias EmailSid = Sid<EmailKind>

public protocol EmailRepository: Sendable {
    func insert(_ email: EmailRecord) async throws
    /// Writes the e-mail's status, attempts, next attempt, reply and dates.
    func update(_ email: EmailRecord) async throws
    func find(_ sid: EmailSid, account: AccountSid) async throws -> EmailRecord?
    /// Newest first.
    func list(account: AccountSid, page: PageRequest) async throws -> PageResult<EmailRecord>
    /// Queued e-mails whose attempt is due at `now`, oldest first, at most `limit`.
    func due(at now: Date, limit: Int) async throws -> [EmailRecord]
    /// When the earliest queued e-mail is due; nil when none waits.
    func nextDue() async throws -> Date?
    /// Puts back in the queue, due at once, what a crash caught `sending`; returns how many.
    func requeueInFlight(at now: Date) async throws -> Int
}
