import Foundation

/// A conference room's record (Twilio's Conference resource): written when its first
/// participant arrives, `in-progress` once it starts, `completed` when it ends.
public struct ConferenceRecord: Sendable, Equatable {
    public var sid: ConferenceSid
    public var accountSid: AccountSid
    public var friendlyName: String
    public var status: ConferenceStatus
    /// Twilio's `reason_conference_ended`, once completed.
    public var reasonEnded: String?
    public var dateCreated: Date
    public var dateUpdated: Date

    public init(
        sid: ConferenceSid, accountSid: AccountSid, friendlyName: String, status: ConferenceStatus, reasonEnded: String? = nil,
        dateCreated: Date, dateUpdated: Date
    ) {
        self.reasonEnded = reasonEnded
        self.sid = sid
        self.accountSid = accountSid
        self.friendlyName = friendlyName
        self.status = status
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
    }
}

public enum ConferenceStatus: String, Sendable, CaseIterable {
    /// Participants wait for one with `startConferenceOnEnter`.
    case initial = "init"
    case inProgress = "in-progress"
    case completed
}

public struct ConferenceFilter: Sendable {
    public var status: ConferenceStatus?
    public var friendlyName: String?
    /// Created on that day (GMT) when set.
    public var createdFrom: Date?
    public var createdBefore: Date?

    public init(status: ConferenceStatus? = nil, friendlyName: String? = nil, createdFrom: Date? = nil, createdBefore: Date? = nil) {
        self.status = status
        self.friendlyName = friendlyName
        self.createdFrom = createdFrom
        self.createdBefore = createdBefore
    }
}

public protocol ConferenceRepository: Sendable {
    func insert(_ conference: ConferenceRecord) async throws
    func update(_ conference: ConferenceRecord) async throws
    func find(_ sid: ConferenceSid, account: AccountSid) async throws -> ConferenceRecord?
    func list(account: AccountSid, filter: ConferenceFilter, page: PageRequest) async throws -> PageResult<ConferenceRecord>
    /// After a crash: rooms not completed are closed. Gives how many.
    func closeOpen(at date: Date) async throws -> Int
}
