import ArgumentParser
import Foundation
import ParleyServer
import Store

/// `parley accounts`: operator commands on the accounts of a data directory. They work while
/// `parley serve` runs on the same directory (SQLite WAL allows it).
struct AccountsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounts", abstract: "List, create, re-key, suspend, reactivate and close accounts.",
        subcommands: [List.self, Create.self, RotateToken.self, SetStatus.self])

    struct Location: ParsableArguments {
        @Option(help: "The data directory of the Parley to manage (PARLEY_DATA_DIR; default ./parley-data).")
        var dataDir: String?

        var directory: DataDirectory {
            DataDirectory(path: dataDir ?? ProcessInfo.processInfo.environment["PARLEY_DATA_DIR"] ?? "./parley-data")
        }

        func openStore() throws -> SQLiteStore {
            try directory.prepare()
            return try SQLiteStore(path: directory.databasePath)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every account.")
        @OptionGroup var location: Location

        func run() async throws {
            let store = try location.openStore()
            for account in try await store.accounts.all() {
                let owner = account.ownerSid.map { " owner=\($0)" } ?? ""
                print("\(account.sid) \(account.status.rawValue) \(account.role.rawValue) \"\(account.friendlyName)\"\(owner)")
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a top-level account and print its credentials once.")
        @OptionGroup var location: Location
        @Option(help: "A name for the account (at most 64 characters).")
        var friendlyName: String
        @Flag(help: "Give the account the administrator role.")
        var administrator = false

        func run() async throws {
            guard (1...64).contains(friendlyName.count) else {
                throw ValidationError("--friendly-name must be 1 to 64 characters")
            }
            let store = try location.openStore()
            let token = RandomHex.string(byteCount: 16)
            let now = Date()
            let account = Account(
                sid: .generate(), ownerSid: nil, friendlyName: friendlyName, status: .active,
                role: administrator ? .administrator : .user,
                authTokenHash: SecretHash.token(token), authTokenSealed: try location.directory.tokenSealer().seal(token),
                dateCreated: now, dateUpdated: now)
            try await store.accounts.insert(account)
            print("AccountSid: \(account.sid)\nAuthToken:  \(token)")
        }
    }

    struct RotateToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-token",
            abstract: "Give an account a new auth token (the old one stops working) and print it once.")
        @OptionGroup var location: Location
        @Argument(help: "The AccountSid.")
        var accountSid: String

        func run() async throws {
            guard let sid = AccountSid(accountSid) else {
                throw ValidationError("'\(accountSid)' is not an AccountSid (AC + 32 hex digits)")
            }
            let store = try location.openStore()
            guard var account = try await store.accounts.find(sid) else {
                throw ValidationError("no account \(sid) in this data directory")
            }
            let token = RandomHex.string(byteCount: 16)
            account.authTokenHash = SecretHash.token(token)
            account.authTokenSealed = try location.directory.tokenSealer().seal(token)
            account.dateUpdated = Date()
            try await store.accounts.update(account)
            print("AccountSid: \(sid)\nAuthToken:  \(token)")
        }
    }

    struct SetStatus: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-status",
            abstract: "Suspend, reactivate or close an account. Its sub-accounts follow: a suspended or closed owner stops them all.",
            discussion: """
                A suspended account's numbers take no calls (480), its Clients cannot register or call, and its \
                credentials are refused; a closed account stays closed. Registrations already made end at their \
                next refresh, or at once when the status is changed through the API.
                """)
        @OptionGroup var location: Location
        @Argument(help: "The AccountSid.")
        var accountSid: String
        @Argument(help: "active, suspended or closed.")
        var status: String

        func run() async throws {
            guard let sid = AccountSid(accountSid) else {
                throw ValidationError("'\(accountSid)' is not an AccountSid (AC + 32 hex digits)")
            }
            guard let status = AccountStatus(rawValue: status) else {
                throw ValidationError("'\(status)' is not active, suspended or closed")
            }
            let store = try location.openStore()
            guard var account = try await store.accounts.find(sid) else {
                throw ValidationError("no account \(sid) in this data directory")
            }
            guard account.status != .closed || status == .closed else {
                throw ValidationError("\(sid) is closed; a closed account cannot be reopened")
            }
            account.status = status
            account.dateUpdated = Date()
            try await store.accounts.update(account)
            print("\(sid) \(status.rawValue)")
        }
    }
}
