import API
import ArgumentParser
import Console
import Foundation
import Store

/// `parley users`: the console's users of an account. A new user gets a one-time link to set
/// their password (printed here, once); the operator hands it over.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "List console users, create them, and give them a new set-password link.",
        subcommands: [List.self, Create.self, ResetPassword.self])

    struct Link: ParsableArguments {
        @Option(help: "Where the console is reached, for the link (PARLEY_PUBLIC_URL; default http://127.0.0.1:8080).")
        var publicUrl: String?

        func url(_ token: String) -> String {
            let base = publicUrl ?? ProcessInfo.processInfo.environment["PARLEY_PUBLIC_URL"] ?? "http://127.0.0.1:8080"
            return (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/console/password/" + token
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the console users of an account.")
        @OptionGroup var location: AccountsCommand.Location
        @Option(help: "The AccountSid.")
        var account: String

        func run() async throws {
            let store = try location.openStore()
            for user in try await store.consoleUsers.list(account: try accountSid(account)) {
                print("\(user.sid) \(user.role.rawValue) \(user.email)\(user.passwordHash == nil ? " (no password yet)" : "")")
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a console user and print their set-password link (valid for a day, once).")
        @OptionGroup var location: AccountsCommand.Location
        @OptionGroup var link: Link
        @Option(help: "The AccountSid the user belongs to.")
        var account: String
        @Option(help: "Their e-mail address, which is their login.")
        var email: String
        @Option(help: "admin (also users and credentials) or member.")
        var role: String = "member"

        func run() async throws {
            guard let role = ConsoleRole(rawValue: role) else { throw ValidationError("--role must be admin or member") }
            let sid = try accountSid(account)
            let store = try location.openStore()
            guard try await store.accounts.find(sid) != nil else { throw ValidationError("no account \(sid) in this data directory") }
            do {
                let (user, token) = try await UserDirectory(users: store.consoleUsers, sessions: store.consoleSessions)
                    .create(email: email, role: role, in: sid)
                print("\(user.sid) \(user.role.rawValue) \(user.email)\nSet-password link (once, for a day): \(link.url(token))")
            } catch let error as APIError {
                throw ValidationError(error.message)
            } catch StoreError.duplicate {
                throw ValidationError("\(email) is already a console user")
            }
        }
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-password", abstract: "Print a new set-password link for a user; their password works until it is used.")
        @OptionGroup var location: AccountsCommand.Location
        @OptionGroup var link: Link
        @Option(help: "The user's e-mail address.")
        var email: String

        func run() async throws {
            let store = try location.openStore()
            let directory = UserDirectory(users: store.consoleUsers, sessions: store.consoleSessions)
            guard let token = try await directory.issueLink(for: email) else { throw ValidationError("no console user \(email)") }
            print("Set-password link (once, for a day): \(link.url(token))")
        }
    }
}

private func accountSid(_ raw: String) throws -> AccountSid {
    guard let sid = AccountSid(raw) else { throw ValidationError("'\(raw)' is not an AccountSid (AC + 32 hex digits)") }
    return sid
}
