import Foundation

/// A signed-in browser: kept on the server, named in the browser only by a random token whose
/// SHA-256 is the key here, so a copy of the database opens no session.
public struct ConsoleSession: Sendable, Equatable {
    public var tokenHash: String
    public var userSid: ConsoleUserSid
    /// The account the pages show: the user's own or one of its sub-accounts (the switcher).
    public var accountSid: AccountSid
    /// Carried by every form of the session and checked on every change it asks for.
    public var csrfToken: String
    /// Set while the password is proved but the e-mailed code is not yet (two-step sign-in):
    /// such a session opens only the page that takes the code.
    public var pendingVerification: VerificationSid?
    public var dateCreated: Date
    public var expires: Date

    public init(
        tokenHash: String, userSid: ConsoleUserSid, accountSid: AccountSid, csrfToken: String, pendingVerification: VerificationSid? = nil,
        dateCreated: Date, expires: Date
    ) {
        self.pendingVerification = pendingVerification
        self.tokenHash = tokenHash
        self.userSid = userSid
        self.accountSid = accountSid
        self.csrfToken = csrfToken
        self.dateCreated = dateCreated
        self.expires = expires
    }
}
