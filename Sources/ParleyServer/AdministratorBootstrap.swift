import API
import Console
import Foundation
import Store

/// Creates the administrator account on the first start with an empty database, with a console
/// user (an admin) to sign in with.
///
/// Credentials come from `PARLEY_ADMIN_SID`/`PARLEY_ADMIN_TOKEN` when both are set (and are then
/// neither printed nor written), or are generated, written once to `admin-credentials` (mode
/// 0600) and returned for printing; the console user is `PARLEY_ADMIN_EMAIL` (default
/// `admin@localhost`) with a generated password. When the environment gives
/// `PARLEY_ADMIN_EMAIL` and `PARLEY_ADMIN_PASSWORD`, that console user is made on any start
/// that does not know the address yet. A database that already holds accounts is otherwise left untouched.
public struct AdministratorBootstrap: Sendable {
    public enum Outcome: Sendable, Equatable {
        case alreadyInitialised
        case createdFromEnvironment(AccountSid)
        case generated(sid: AccountSid, token: String, console: ConsoleLogin, credentialsFile: String)
    }

    /// The first console user's e-mail address and password.
    public struct ConsoleLogin: Sendable, Equatable {
        public let email: String
        public let password: String
    }

    public static let credentialsFileName = "admin-credentials"

    let accounts: any AccountRepository
    let consoleUsers: UserDirectory
    let dataDirectory: String
    let sealer: TokenSealer

    public init(accounts: any AccountRepository, consoleUsers: UserDirectory, dataDirectory: String, sealer: TokenSealer) {
        self.accounts = accounts
        self.consoleUsers = consoleUsers
        self.dataDirectory = dataDirectory
        self.sealer = sealer
    }

    public func run(environment: [String: String]) async throws -> Outcome {
        let existing = try await accounts.all()
        guard existing.isEmpty else {
            try await sealEnvironmentToken(environment, among: existing)
            if let administrator = existing.first(where: { $0.role == .administrator && $0.ownerSid == nil }) {
                try await addConsoleUser(from: environment, to: administrator.sid)
            }
            return .alreadyInitialised
        }
        let now = Date()
        switch (environment["PARLEY_ADMIN_SID"], environment["PARLEY_ADMIN_TOKEN"]) {
        case (let rawSid?, let token?):
            guard let sid = AccountSid(rawSid) else {
                throw ConfigurationError.invalid(
                    option: "PARLEY_ADMIN_SID", reason: "must be AC followed by 32 hex digits")
            }
            guard token.count >= 16 else {
                throw ConfigurationError.invalid(
                    option: "PARLEY_ADMIN_TOKEN", reason: "must be at least 16 characters")
            }
            try await accounts.insert(administrator(sid: sid, token: token, now: now))
            try await addConsoleUser(from: environment, to: sid)
            return .createdFromEnvironment(sid)
        case (nil, nil):
            let sid = AccountSid.generate()
            let token = RandomHex.string(byteCount: 16)
            let console = ConsoleLogin(
                email: environment["PARLEY_ADMIN_EMAIL"] ?? "admin@localhost",
                password: environment["PARLEY_ADMIN_PASSWORD"] ?? RandomHex.string(byteCount: 10))
            let file = try writeCredentialsFile(sid: sid, token: token, console: console)
            try await accounts.insert(administrator(sid: sid, token: token, now: now))
            _ = try await consoleUsers.create(email: console.email, password: console.password, role: .admin, in: sid, now: now)
            return .generated(sid: sid, token: token, console: console, credentialsFile: file)
        default:
            throw ConfigurationError.invalid(
                option: "PARLEY_ADMIN_SID/PARLEY_ADMIN_TOKEN", reason: "set both or neither")
        }
    }

    private func administrator(sid: AccountSid, token: String, now: Date) -> Account {
        Account(
            sid: sid, ownerSid: nil, friendlyName: "Administrator", status: .active,
            role: .administrator, authTokenHash: SecretHash.token(token), authTokenSealed: sealer.seal(token),
            dateCreated: now, dateUpdated: now)
    }

    /// An administrator made before tokens were sealed gets its token sealed when the
    /// environment gives it again (and it matches), so its webhooks can be signed.
    private func sealEnvironmentToken(_ environment: [String: String], among existing: [Account]) async throws {
        guard let sid = environment["PARLEY_ADMIN_SID"].flatMap(AccountSid.init), let token = environment["PARLEY_ADMIN_TOKEN"],
            var account = existing.first(where: { $0.sid == sid }), account.authTokenSealed.flatMap(sealer.open) != token,
            SecretHash.matches(token, storedHash: account.authTokenHash)
        else { return }
        account.authTokenSealed = sealer.seal(token)
        try await accounts.update(account)
    }

    /// The console user the environment names, made in `account` unless the address is known.
    private func addConsoleUser(from environment: [String: String], to account: AccountSid) async throws {
        guard let email = environment["PARLEY_ADMIN_EMAIL"], let password = environment["PARLEY_ADMIN_PASSWORD"],
            try await consoleUsers.users.find(email: email) == nil
        else { return }
        do {
            _ = try await consoleUsers.create(email: email, password: password, role: .admin, in: account)
        } catch let error as APIError {
            throw ConfigurationError.invalid(option: "PARLEY_ADMIN_EMAIL/PARLEY_ADMIN_PASSWORD", reason: error.message)
        }
    }

    private func writeCredentialsFile(sid: AccountSid, token: String, console: ConsoleLogin) throws -> String {
        let path = (dataDirectory as NSString).appendingPathComponent(Self.credentialsFileName)
        let contents = "PARLEY_ADMIN_SID=\(sid)\nPARLEY_ADMIN_TOKEN=\(token)\nPARLEY_ADMIN_EMAIL=\(console.email)\nPARLEY_ADMIN_PASSWORD=\(console.password)\n"
        try? FileManager.default.removeItem(atPath: path)
        guard
            FileManager.default.createFile(
                atPath: path, contents: Data(contents.utf8),
                attributes: [.posixPermissions: 0o600])
        else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        return path
    }
}
