import Foundation

/// Storage of accounts. Implementations make each acknowledged write durable before returning.
public protocol AccountRepository: Sendable {
    func insert(_ account: Account) async throws
    func update(_ account: Account) async throws
    func find(_ sid: AccountSid) async throws -> Account?
    /// The account itself followed by its sub-accounts, oldest first.
    func family(of sid: AccountSid, filter: AccountFilter, page: PageRequest) async throws
        -> PageResult<Account>
    func all() async throws -> [Account]
}

public struct AccountFilter: Sendable {
    public var friendlyName: String?
    public var status: AccountStatus?

    public init(friendlyName: String? = nil, status: AccountStatus? = nil) {
        self.friendlyName = friendlyName
        self.status = status
    }
}

/// Storage of applications, always scoped to one account.
public protocol ApplicationRepository: Sendable {
    func insert(_ application: Application) async throws
    func update(_ application: Application) async throws
    func find(_ sid: ApplicationSid, account: AccountSid) async throws -> Application?
    func list(account: AccountSid, friendlyName: String?, page: PageRequest) async throws
        -> PageResult<Application>
    /// Returns false when no such application belongs to the account.
    func delete(_ sid: ApplicationSid, account: AccountSid) async throws -> Bool
}

/// Storage of SIP clients, scoped to one account; logins are unique per account.
public protocol ClientRepository: Sendable {
    func insert(_ client: Client) async throws
    func update(_ client: Client) async throws
    func find(_ sid: ClientSid, account: AccountSid) async throws -> Client?
    func list(account: AccountSid, login: String?, page: PageRequest) async throws
        -> PageResult<Client>
    func delete(_ sid: ClientSid, account: AccountSid) async throws -> Bool
    /// Every Client with this login, across accounts (the registrar tells them apart by password).
    func withLogin(_ login: String) async throws -> [Client]
}

/// Storage of the error log; entries are written by the voice layer and only read by users.
public protocol NotificationRepository: Sendable {
    func insert(_ notification: NotificationEntry) async throws
    func find(_ sid: NotificationSid, account: AccountSid) async throws -> NotificationEntry?
    func list(account: AccountSid, filter: NotificationFilter, page: PageRequest) async throws
        -> PageResult<NotificationEntry>
    /// Deletes one entry; false when the account has none by that SID.
    func delete(_ sid: NotificationSid, account: AccountSid) async throws -> Bool
    /// Deletes the entries created before `date`; returns how many.
    func purge(createdBefore date: Date) async throws -> Int
}

public struct NotificationFilter: Sendable {
    public var level: NotificationLevel?
    public var callSid: CallSid?

    public init(level: NotificationLevel? = nil, callSid: CallSid? = nil) {
        self.level = level
        self.callSid = callSid
    }
}

public protocol RecordingRepository: Sendable {
    func insert(_ recording: Recording) async throws
    /// Writes the final status and duration.
    func update(_ recording: Recording) async throws
    func find(_ sid: RecordingSid, account: AccountSid) async throws -> Recording?
    /// The recording behind a public URL token, whichever account holds it.
    func find(publicToken: String) async throws -> Recording?
    func list(account: AccountSid, callSid: CallSid?, conferenceSid: ConferenceSid?, page: PageRequest) async throws -> PageResult<Recording>
    func delete(_ sid: RecordingSid, account: AccountSid) async throws -> Bool
    /// Recordings created before `date`, oldest first (the retention job's work).
    func created(before date: Date, limit: Int) async throws -> [Recording]
    /// Recordings still `in-progress` (cut by a crash): the restart closes them.
    func unfinished() async throws -> [Recording]
}

public protocol MessageRepository: Sendable {
    func insert(_ message: MessageRecord) async throws
    /// Writes the message's status, error, attempts and dates.
    func update(_ message: MessageRecord) async throws
    func find(_ sid: MessageSid, account: AccountSid) async throws -> MessageRecord?
    func list(account: AccountSid, filter: MessageFilter, page: PageRequest) async throws -> PageResult<MessageRecord>
    /// Messages waiting to be sent, oldest first.
    func queued() async throws -> [MessageRecord]
    /// Puts back in the queue the messages a crash caught in flight (`sending`); returns how many.
    func requeueInFlight() async throws -> Int
    /// Writes the message as the SMSC took it (status, time sent) and, in the same
    /// transaction, the SMSC's id of each part, in order, for the receipts to come.
    func recordSent(_ message: MessageRecord, parts smscMessageIDs: [String]) async throws
    /// Records a part's receipt; returns the message and the outcome of each of its parts so
    /// far (nil where none came yet), or nil when no part has that id.
    func recordReceipt(smscMessageID: String, outcome: MessagePartOutcome, errorCode: String?) async throws
        -> (message: MessageRecord, parts: [MessagePartOutcome?])?
    /// Keeps one part of a concatenated incoming message (a part sent again replaces itself).
    /// When the parts are all there, in the same transaction they are removed and the message
    /// `assemble` makes of them (in order) is inserted and returned; nil while some are missing.
    func receivePart(_ part: IncomingMessagePart, assemble: @escaping @Sendable ([IncomingMessagePart]) -> MessageRecord) async throws
        -> MessageRecord?
}

public struct MessageFilter: Sendable {
    public var to: String?
    public var from: String?
    /// Messages sent on or after / before this instant.
    public var sentAfter: Date?
    public var sentBefore: Date?

    public init(to: String? = nil, from: String? = nil, sentAfter: Date? = nil, sentBefore: Date? = nil) {
        self.to = to
        self.from = from
        self.sentAfter = sentAfter
        self.sentBefore = sentBefore
    }
}
