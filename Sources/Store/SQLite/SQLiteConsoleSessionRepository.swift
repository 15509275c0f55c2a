import Foundation
import GRDB

struct SQLiteConsoleSessionRepository: ConsoleSessionRepository {
    let pool: DatabasePool

    func insert(_ session: ConsoleSession) async throws {
        try await pool.measuredWrite { db in
            try db.execute(
                sql: """
                    INSERT INTO console_sessions (account_sid, csrf_token, pending_verification, expires, token_hash, user_sid, date_created)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: Self.mutableColumns(session) + [session.tokenHash, session.userSid.rawValue, session.dateCreated])
        }
    }

    func find(tokenHash: String, at now: Date) async throws -> ConsoleSession? {
        try await pool.read { db in
            // Cached statement: every console request reads its session.
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM console_sessions WHERE token_hash = ? AND expires > ?"),
                arguments: [tokenHash, now]
            ).map(Self.session)
        }
    }

    func update(_ session: ConsoleSession) async throws {
        try await pool.measuredWrite { db in
            try db.execute(
                sql: "UPDATE console_sessions SET account_sid = ?, csrf_token = ?, pending_verification = ?, expires = ? WHERE token_hash = ?",
                arguments: Self.mutableColumns(session) + [session.tokenHash])
        }
    }

    func delete(tokenHash: String) async throws {
        try await pool.measuredWrite { db in
            try db.execute(sql: "DELETE FROM console_sessions WHERE token_hash = ?", arguments: [tokenHash])
        }
    }

    func deleteAll(of user: ConsoleUserSid) async throws {
        try await pool.measuredWrite { db in
            try db.execute(sql: "DELETE FROM console_sessions WHERE user_sid = ?", arguments: [user.rawValue])
        }
    }

    func purge(expiredBefore date: Date) async throws -> Int {
        try await pool.measuredWrite { db in
            try db.execute(sql: "DELETE FROM console_sessions WHERE expires <= ?", arguments: [date])
            return db.changesCount
        }
    }

    private static func mutableColumns(_ session: ConsoleSession) -> StatementArguments {
        [session.accountSid.rawValue, session.csrfToken, session.pendingVerification?.rawValue, session.expires]
    }

    static func session(_ row: Row) throws -> ConsoleSession {
        ConsoleSession(
            tokenHash: try row.text("token_hash"), userSid: try row.sid("user_sid"), accountSid: try row.sid("account_sid"),
            csrfToken: try row.text("csrf_token"), pendingVerification: try row.optionalSid("pending_verification"),
            dateCreated: try row.date("date_created"), expires: try row.date("expires"))
    }
}
