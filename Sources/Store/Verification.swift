import Foundation

/// A Verify service (Twilio Verify v2's Service): how an account's one-time passwords look and
/// which channels they go by, in the order fallback tries them.
public struct VerifyServiceRecord: Sendable, Equatable {
    public var sid: VerifyServiceSid
    public var accountSid: AccountSid
    public var friendlyName: String
    public var codeLength: Int
    /// `en`, `fr`, `nl` or `de`: the texts and the voice when a verification names none.
    public var defaultLocale: String
    public var channelOrder: [VerificationChannel]
    public var dateCreated: Date
    public var dateUpdated: Date

    public init(
        sid: VerifyServiceSid, accountSid: AccountSid, friendlyName: String, codeLength: Int, defaultLocale: String,
        channelOrder: [VerificationChannel], dateCreated: Date, dateUpdated: Date
    ) {
        self.sid = sid
        self.accountSid = accountSid
        self.friendlyName = friendlyName
        self.codeLength = codeLength
        self.defaultLocale = defaultLocale
        self.channelOrder = channelOrder
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
    }
}

/// One verification: a code sent to `to` (and, on fallback, to `email`), checked at most a few
/// times before it expires. The code itself is never stored, only its hash.
public struct VerificationRecord: Sendable, Equatable {
    public var sid: VerificationSid
    public var serviceSid: VerifyServiceSid
    public var accountSid: AccountSid
    public var to: String
    /// An e-mail address the e-mail channel may use when `to` is a number.
    public var email: String?
    /// The channel asked for (`auto` for the service's order).
    public var channel: String
    public var locale: String
    public var customFriendlyName: String?
    public var status: VerificationStatus
    public var codeHash: String
    public var checks: Int
    public var expiresAt: Date
    public var dateCreated: Date
    public var dateUpdated: Date

    public init(
        sid: VerificationSid, serviceSid: VerifyServiceSid, accountSid: AccountSid, to: String, email: String?, channel: String, locale: String,
        customFriendlyName: String?, status: VerificationStatus, codeHash: String, checks: Int, expiresAt: Date, dateCreated: Date,
        dateUpdated: Date
    ) {
        self.sid = sid
        self.serviceSid = serviceSid
        self.accountSid = accountSid
        self.to = to
        self.email = email
        self.channel = channel
        self.locale = locale
        self.customFriendlyName = customFriendlyName
        self.status = status
        self.codeHash = codeHash
        self.checks = checks
        self.expiresAt = expiresAt
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
    }
}

/// One send of a verification's code by one channel, and how it went.
public struct VerificationAttempt: Sendable, Equatable {
    public var sid: VerificationAttemptSid
    public var verificationSid: VerificationSid
    public var channel: VerificationChannel
    public var outcome: VerificationAttemptOutcome
    /// What was sent (a MessageSid, CallSid or EmailSid) and, on failure, why.
    public var detail: String?
    public var dateCreated: Date
    public var dateUpdated: Date

    public init(
        sid: VerificationAttemptSid, verificationSid: VerificationSid, channel: VerificationChannel, outcome: VerificationAttemptOutcome,
        detail: String?, dateCreated: Date, dateUpdated: Date
    ) {
        self.sid = sid
        self.verificationSid = verificationSid
        self.channel = channel
        self.outcome = outcome
        self.detail = detail
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
    }
}

public enum VerificationChannel: String, Sendable, CaseIterable {
    case sms, call, email
}

public enum VerificationStatus: String, Sendable, CaseIterable {
    case pending, approved, canceled, expired
}

public enum VerificationAttemptOutcome: String, Sendable, CaseIterable {
    /// Handed over; no failure known yet.
    case sending
    /// Known to have reached the person (SMS delivered, call heard, e-mail accepted by the relay).
    case delivered
    case failed
}

public enum VerifyServiceKind: SidKind { public static let prefix = "VA" }
public typealias VerifyServiceSid = Sid<VerifyServiceKind>
public enum VerificationKind: SidKind { public static let prefix = "VE" }
public typealias VerificationSid = Sid<VerificationKind>
public enum VerificationAttemptKind: SidKind { public static let prefix = "VL" }
public typealias VerificationAttemptSid = Sid<VerificationAttemptKind>

public protocol VerificationRepository: Sendable {
    func insertService(_ service: VerifyServiceRecord) async throws
    func updateService(_ service: VerifyServiceRecord) async throws
    func service(_ sid: VerifyServiceSid, account: AccountSid) async throws -> VerifyServiceRecord?
    func services(of account: AccountSid, page: PageRequest) async throws -> PageResult<VerifyServiceRecord>
    /// Deletes a service with its verifications; false when the account has none by that SID.
    func deleteService(_ sid: VerifyServiceSid, account: AccountSid) async throws -> Bool

    /// In one transaction, so concurrent requests cannot pass the limit together: nil when
    /// `fresh.to` has had `sendLimit` attempts (any service of any account) since `since`;
    /// otherwise the pending verification of that destination in the service that expires
    /// after `fresh.dateCreated` gets a new code (`codeHash` of its SID) and expiry, or `fresh`
    /// is inserted (its hash `codeHash` of its SID); then an attempt by `channel` (SID
    /// `attemptSid`, outcome `sending`) is added. Returns the verification and its attempts.
    func start(
        _ fresh: VerificationRecord, codeHash: @escaping @Sendable (VerificationSid) -> String, attemptSid: VerificationAttemptSid,
        channel: VerificationChannel, sendLimit: Int, since: Date
    ) async throws -> (VerificationRecord, [VerificationAttempt])?
    /// In one transaction: the verification `locator` names in the account's service (nil:
    /// none) is given to `change`, and written back if `change` altered it. Returns it as it
    /// is then, with what `change` returned.
    func modify<Result: Sendable>(
        _ locator: VerificationLocator, service: VerifyServiceSid, account: AccountSid, change: @escaping @Sendable (inout VerificationRecord) -> Result
    ) async throws -> (VerificationRecord, Result)?
    func find(_ sid: VerificationSid, service: VerifyServiceSid) async throws -> VerificationRecord?

    func insertAttempt(_ attempt: VerificationAttempt) async throws
    func updateAttempt(_ attempt: VerificationAttempt) async throws
    func attempts(of verification: VerificationSid) async throws -> [VerificationAttempt]
}

/// Which verification a change is for: one by its SID, or the latest pending one of a
/// destination (what a check by `To` means).
public enum VerificationLocator: Sendable, Equatable {
    case sid(VerificationSid)
    case pending(to: String)
}
