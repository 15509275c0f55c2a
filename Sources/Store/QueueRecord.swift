import Foundation

/// A call queue (Twilio's Queue resource): made through the REST API or by the first
/// `<Enqueue>` naming it, kept when empty. Its members live in the queue's actor.
public struct QueueRecord: Sendable, Equatable {
    public var sid: QueueSid
    public var accountSid: AccountSid
    public var friendlyName: String
    public var maxSize: Int
    public var dateCreated: Date
    public var dateUpdated: Date

    public init(sid: QueueSid, accountSid: AccountSid, friendlyName: String, maxSize: Int = 100, dateCreated: Date, dateUpdated: Date) {
        self.sid = sid
        self.accountSid = accountSid
        self.friendlyName = friendlyName
        self.maxSize = maxSize
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
    }

    /// Twilio's largest `MaxSize`.
    public static let largestSize = 5000
}

public protocol QueueRepository: Sendable {
    /// Fails with `StoreError.duplicate(field: "FriendlyName")` when the account has a queue of that name.
    func insert(_ queue: QueueRecord) async throws
    func update(_ queue: QueueRecord) async throws
    func find(_ sid: QueueSid, account: AccountSid) async throws -> QueueRecord?
    func find(name: String, account: AccountSid) async throws -> QueueRecord?
    func list(account: AccountSid, page: PageRequest) async throws -> PageResult<QueueRecord>
    func delete(_ sid: QueueSid, account: AccountSid) async throws -> Bool
}
