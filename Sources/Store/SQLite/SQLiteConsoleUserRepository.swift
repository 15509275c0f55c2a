import Foundation
import GRDB

struct SQLiteConsoleUserRepository: ConsoleUserRepository {
    let pool: DatabasePool

    func insert(_ user: ConsoleUser) async throws {
        do {
            try await pool.measuredWrite { db in
                try db.execute(
                    sql: """
                        INSERT INTO console_users (email, role, password_hash, password_link_hash, password_link_expires,
                            two_step_service, date_updated, sid, account_sid, date_created)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: Self.mutableColumns(user) + [user.sid.rawValue, user.accountSid.rawValue, user.dateCreated])
            }
        } catch let error as DatabaseError where error.isUniqueViolation {
            throw StoreError.duplicate(field: "Email")
        }
    }

    func update(_ user: ConsoleUser) async throws {
        do {
            try await pool.measuredWrite { db in
                try db.execute(
                    sql: """
                        UPDATE console_users SET email = ?, role = ?, password_hash = ?, password_link_hash = ?,
                            password_link_expires = ?, two_step_service = ?, date_updated = ?
                        WHERE sid = ? AND account_sid = ?
                        """,
                    arguments: Self.mutableColumns(user) + [user.sid.rawValue, user.accountSid.rawValue])
            }
        } catch let error as DatabaseError where error.isUniqueViolation {
            throw StoreError.duplicate(field: "Email")
        }
    }

    func find(_ sid: ConsoleUserSid) async throws -> ConsoleUser? {
        try await one("SELECT * FROM console_users WHERE sid = ?", sid.rawValue)
    }

    func find(email: String) async throws -> ConsoleUser? {
        try await one("SELECT * FROM console_users WHERE email = ?", email)
    }

    func find(passwordLinkHash: String) async throws -> ConsoleUser? {
        try await one("SELECT * FROM console_users WHERE password_link_hash = ?", passwordLinkHash)
    }

    func list(account: AccountSid) async throws -> [ConsoleUser] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM console_users WHERE account_sid = ? ORDER BY email", arguments: [account.rawValue]
            ).map(Self.user)
        }
    }

    func delete(_ sid: ConsoleUserSid, account: AccountSid) async throws -> Bool {
        try await pool.measuredWrite { db in
            try db.execute(sql: "DELETE FROM console_sessions WHERE user_sid = ?", arguments: [sid.rawValue])
            try db.execute(
                sql: "DELETE FROM console_users WHERE sid = ? AND account_sid = ?", arguments: [sid.rawValue, account.rawValue])
            return db.changesCount > 0
        }
    }

    private func one(_ sql: String, _ argument: String) async throws -> ConsoleUser? {
        try await pool.read { db in try Row.fetchOne(db, sql: sql, arguments: [argument]).map(Self.user) }
    }

    private static func mutableColumns(_ user: ConsoleUser) -> StatementArguments {
        [
            user.email, user.role.rawValue, user.passwordHash, user.passwordLinkHash, user.passwordLinkExpires, user.twoStepService?.rawValue,
            user.dateUpdated,
        ]
    }

    static func user(_ row: Row) throws -> ConsoleUser {
        ConsoleUser(
            sid: try row.sid("sid"), accountSid: try row.sid("account_sid"), email: try row.text("email"), role: try row.value("role"),
            passwordHash: try row.optionalText("password_hash"), passwordLinkHash: try row.optionalText("password_link_hash"),
            passwordLinkExpires: try row.decode(Date?.self, forColumn: "password_link_expires"), twoStepService: try row.optionalSid("two_step_service"),
            dateCreated: try row.date("date_created"), dateUpdated: try row.date("date_updated"))
    }
}
