import Foundation

/// A person who signs in to the console of one account with an e-mail address and a password
/// (never the account's AuthToken).
public struct ConsoleUser: Sendable, Equatable {
    public var sid: ConsoleUserSid
    public var accountSid: AccountSid
    /// Unique across Parley, compared without case: the login name.
    public var email: String
    public var role: ConsoleRole
    /// `PasswordHash.make`'s output; nil until the user sets a password through their link.
    public var passwordHash: String?
    /// SHA-256 of the one-time set-password link's token, with the time it stops working.
    public var passwordLinkHash: String?
    public var passwordLinkExpires: Date?
    /// The Verify service of the account that sends this user a code by e-mail at each sign-in
    /// (two-step sign-in); nil when it is off.
    public var twoStepService: VerifyServiceSid?
    public var dateCreated: Date
    public var dateUpdated: Date

    public init(
        sid: ConsoleUserSid, accountSid: AccountSid, email: String, role: ConsoleRole, passwordHash: String? = nil,
        passwordLinkHash: String? = nil, passwordLinkExpires: Date? = nil, twoStepService: VerifyServiceSid? = nil, dateCreated: Date,
        dateUpdated: Date
    ) {
        self.twoStepService = twoStepService
        self.sid = sid
        self.accountSid = accountSid
        self.email = email
        self.role = role
        self.passwordHash = passwordHash
        self.passwordLinkHash = passwordLinkHash
        self.passwordLinkExpires = passwordLinkExpires
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
    }
}

/// What a console user may do in their account.
public enum ConsoleRole: String, Sendable, CaseIterable {
    /// Everything, users and credentials included.
    case admin
    /// Numbers, applications, Clients and logs; not users or credentials.
    case member
}
