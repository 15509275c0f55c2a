import Foundation
import Messaging
import NIOPosix
import Store

/// Console users and their passwords, for the CLI, the console and the REST API alike: made
/// by the operator or an account's admin, given a one-time set-password link (valid for a
/// day, sent by e-mail when a relay is configured), signed in by e-mail and password.
public struct UserDirectory: Sendable {
    public static let linkLifetime: TimeInterval = 24 * 3600
    public static let minimumPasswordLength = 10

    public let users: any ConsoleUserRepository
    let sessions: any ConsoleSessionRepository
    let hasher: PasswordHash

    public init(users: any ConsoleUserRepository, sessions: any ConsoleSessionRepository, hasher: PasswordHash = PasswordHash()) {
        self.users = users
        self.sessions = sessions
        self.hasher = hasher
    }

    /// A new user of `account` with no password yet, and the token of their set-password link.
    public func create(email: String, role: ConsoleRole, in account: AccountSid, now: Date = Date()) async throws -> (ConsoleUser, String) {
        let email = try Self.validEmail(email)
        let token = RandomHex.string(byteCount: 32)
        let user = ConsoleUser(
            sid: .generate(), accountSid: account, email: email, role: role, passwordLinkHash: SecretHash.token(token),
            passwordLinkExpires: now.addingTimeInterval(Self.linkLifetime), dateCreated: now, dateUpdated: now)
        try await users.insert(user)
        return (user, token)
    }

    /// A new user of `account` invited from `form` (`Email`, `Role`): the link goes by e-mail
    /// through `mail` when it relays, else it is returned to be handed over (once).
    public func invite(
        in account: AccountSid, form: FormParameters, linkBase: String, mail: EmailService
    ) async throws -> (user: ConsoleUser, link: String?) {
        let role = try form.choice("Role", as: ConsoleRole.self) ?? .member
        let (user, token) = try await create(email: form.requiredString("Email"), role: role, in: account)
        let link = linkBase + "/console/password/" + token
        guard mail.relays else { return (user, link) }
        _ = try await mail.send(
            account: account, from: nil, to: [user.email], cc: [], bcc: [], subject: "Your Parley console account",
            body: """
                You have been given a Parley console account (\(user.email)).

                Choose your password here; the link works once, for a day:
                \(link)
                """,
            isHTML: false)
        return (user, nil)
    }

    /// A new user of `account` with `password` set at once (the first administrator's).
    public func create(email: String, password: String, role: ConsoleRole, in account: AccountSid, now: Date = Date()) async throws -> ConsoleUser {
        let user = ConsoleUser(
            sid: .generate(), accountSid: account, email: try Self.validEmail(email), role: role,
            passwordHash: try await hash(try Self.validPassword(password)), dateCreated: now, dateUpdated: now)
        try await users.insert(user)
        return user
    }

    /// A new set-password link for the user `email` names (an older link stops working); nil
    /// when there is no such user.
    public func issueLink(for email: String, now: Date = Date()) async throws -> String? {
        guard var user = try await users.find(email: email) else { return nil }
        let token = RandomHex.string(byteCount: 32)
        user.passwordLinkHash = SecretHash.token(token)
        user.passwordLinkExpires = now.addingTimeInterval(Self.linkLifetime)
        user.dateUpdated = now
        try await users.update(user)
        return token
    }

    /// The user whose set-password link `token` is, while it works.
    public func user(forLink token: String, now: Date = Date()) async throws -> ConsoleUser? {
        guard let user = try await users.find(passwordLinkHash: SecretHash.token(token)),
            let expires = user.passwordLinkExpires, expires > now
        else { return nil }
        return user
    }

    /// Sets the password of the link's user, spends the link and signs out every browser of theirs.
    public func setPassword(_ password: String, forLink token: String, now: Date = Date()) async throws -> ConsoleUser {
        let password = try Self.validPassword(password)
        guard var user = try await user(forLink: token, now: now) else {
            throw APIError.invalidParameter("Token", "this link has expired or was already used; ask for a new one")
        }
        user.passwordHash = try await hash(password)
        user.passwordLinkHash = nil
        user.passwordLinkExpires = nil
        user.dateUpdated = now
        try await users.update(user)
        try await sessions.deleteAll(of: user.sid)
        return user
    }

    /// The user `email` names if `password` is theirs. An unknown address costs the same scrypt
    /// as a wrong password, so the time taken tells nobody which addresses exist.
    public func authenticate(email: String, password: String) async throws -> ConsoleUser? {
        let user = try await users.find(email: email.trimmingCharacters(in: .whitespaces))
        let stored = user?.passwordHash ?? Self.decoy
        // Tenths of a second of scrypt run on NIO's blocking pool, not on a cooperative thread
        // that the API and the call paths share.
        let matches = try await NIOThreadPool.singleton.runIfActive { PasswordHash.verify(password, against: stored) }
        return matches && user?.passwordHash != nil ? user : nil
    }

    private func hash(_ password: String) async throws -> String {
        let hasher = hasher
        return try await NIOThreadPool.singleton.runIfActive { try hasher.make(password) }
    }

    /// A hash of nothing anyone knows, with the default cost, verified for unknown addresses.
    private static let decoy = (try? PasswordHash().make(RandomHex.string(byteCount: 16))) ?? ""

    static func validEmail(_ email: String) throws -> String {
        let email = email.trimmingCharacters(in: .whitespaces)
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.count <= 254, parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, !email.contains(where: \.isWhitespace) else {
            throw APIError.invalidParameter("Email", "'\(email)' is not an e-mail address")
        }
        return email
    }

    static func validPassword(_ password: String) throws -> String {
        guard password.count >= minimumPasswordLength, password.count <= 256 else {
            throw APIError.invalidParameter("Password", "must be \(minimumPasswordLength) to 256 characters")
        }
        return password
    }
}
