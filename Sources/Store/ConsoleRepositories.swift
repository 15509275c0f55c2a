import Foundation

/// The console's users: one e-mail address is one user across Parley.
public protocol ConsoleUserRepository: Sendable {
    /// Throws `StoreError.duplicate(field: "Email")` when the address is taken.
    func insert(_ user: ConsoleUser) async throws
    func update(_ user: ConsoleUser) async throws
    func find(_ sid: ConsoleUserSid) async throws -> ConsoleUser?
    /// Compared without case.
    func find(email: String) async throws -> ConsoleUser?
    func find(passwordLinkHash: String) async throws -> ConsoleUser?
    func list(account: AccountSid) async throws -> [ConsoleUser]
    /// Deletes the user and their sessions; false when the account has no such user.
    func delete(_ sid: ConsoleUserSid, account: AccountSid) async throws -> Bool
}

/// Signed-in browsers (see `ConsoleSession`).
public protocol ConsoleSessionRepository: Sendable {
    func insert(_ session: ConsoleSession) async throws
    /// The session whose token hashes to `tokenHash`, if it has not expired at `now`.
    func find(tokenHash: String, at now: Date) async throws -> ConsoleSession?
    func update(_ session: ConsoleSession) async throws
    func delete(tokenHash: String) async throws
    /// Ends every session of a user (a new password signs out every browser).
    func deleteAll(of user: ConsoleUserSid) async throws
    /// Forgets sessions expired before `date`; how many.
    func purge(expiredBefore date: Date) async throws -> Int
}
