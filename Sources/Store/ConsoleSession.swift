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
    public var dateCreated: Date
    public var expires: Date

    public init(
        tokenHash: String, userSid: ConsoleUserSid, accountSid: AccountSid, csrfToken: String, dateCreated: Date, expires: Date
    ) {
        self.tokenHash = tokenHash
        self.userSid = userSid
        self.accountSid = accountSid
        self.csrfToken = csrfToken
        self.dateCreated = dateCreated
        self.expires = expires
    }
}
