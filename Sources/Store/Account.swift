import Foundation

/// A tenant of Parley. Top-level accounts are made by the operator; sub-accounts by their
/// owner through the API, each with its own auth token, never reaching a sibling's resources.
public struct Account: Sendable, Equatable {
    public var sid: AccountSid
    /// The parent account for a sub-account; nil for a top-level account.
    public var ownerSid: AccountSid?
    public var friendlyName: String
    public var status: AccountStatus
    public var role: AccountRole
    /// SHA-256 of the auth token (see `SecretHash.token`).
    public var authTokenHash: String
    /// The auth token sealed by `TokenSealer`, to sign webhook requests; nil for accounts made
    /// before tokens were kept this way (their webhooks go unsigned until the token rotates).
    public var authTokenSealed: String?
    /// The operator's limits for this account where they differ from the defaults.
    public var limits: AccountLimits
    public var dateCreated: Date
    public var dateUpdated: Date

    public init(
        sid: AccountSid, ownerSid: AccountSid?, friendlyName: String, status: AccountStatus,
        role: AccountRole, authTokenHash: String, authTokenSealed: String? = nil, limits: AccountLimits = AccountLimits(),
        dateCreated: Date, dateUpdated: Date
    ) {
        self.limits = limits
        self.authTokenSealed = authTokenSealed
        self.sid = sid
        self.ownerSid = ownerSid
        self.friendlyName = friendlyName
        self.status = status
        self.role = role
        self.authTokenHash = authTokenHash
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
    }

    /// Whether `other`'s resources are reachable with this account's credentials:
    /// its own, and its sub-accounts'.
    public func governs(_ other: Account) -> Bool {
        other.sid == sid || other.ownerSid == sid
    }
}

/// Twilio's account statuses; `closed` is terminal.
public enum AccountStatus: String, Sendable, CaseIterable {
    case active, suspended, closed
}

/// What an account may do beyond its own resources.
public enum AccountRole: String, Sendable, CaseIterable {
    /// The operator's account made on first start.
    case administrator
    case user
}
