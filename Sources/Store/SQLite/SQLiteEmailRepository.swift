import Foundation
import GRDB

struct SQLiteEmailRepository: EmailRepository {
    let pool: DatabasePool

    func insert(_ email: EmailRecord) async throws {
        try await pool.measuredWrite { db in
            try db.execute(
                sql: """
                    INSERT INTO emails (status, attempts, next_attempt, server_reply, date_updated, date_sent, sid, account_sid,
                        from_address, to_addresses, cc_addresses, bcc_addresses, subject, body, is_html, call_sid, date_created)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: Self.changing(email) + [
                    email.sid.rawValue, email.accountSid.rawValue, email.from, email.to.joined(separator: ","),
                    email.cc.joined(separator: ","), email.bcc.joined(separator: ","), email.subject, email.body, email.isHTML,
                    email.callSid?.rawValue, email.dateCreated,
                ])
        }
    }

    func update(_ email: EmailRecord) async throws {
        try await pool.measuredWrite { db in
            try db.execute(
                sql: """
                    UPDATE emails SET status = ?, attempts = ?, next_attempt = ?, server_reply = ?, date_updated = ?, date_sent = ?
                    WHERE sid = ?
                    """,
                arguments: Self.changing(email) + [email.sid.rawValue])
        }
    }

    func find(_ sid: EmailSid, account: AccountSid) async throws -> EmailRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM emails WHERE sid = ? AND account_sid = ?", arguments: [sid.rawValue, account.rawValue])
                .map(Self.email)
        }
    }

    func list(account: AccountSid, page: PageRequest) async throws -> PageResult<EmailRecord> {
        var query = PagedQuery(table: "emails", order: "date_created DESC, rowid DESC")
        query.require("account_sid = ?", account.rawValue)
        return try await pool.read { [query] db in try query.fetch(db, page: page, map: Self.email) }
    }

    func due(at now: Date, limit: Int) async throws -> [EmailRecord] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM emails WHERE status = 'queued' AND next_attempt <= ? ORDER BY next_attempt, rowid LIMIT ?",
                arguments: [now, limit]
            ).map(Self.email)
        }
    }

    func nextDue() async throws -> Date? {
        try await pool.read { db in
            try Date.fetchOne(db, sql: "SELECT MIN(next_attempt) FROM emails WHERE status = 'queued'")
        }
    }

    func requeueInFlight(at now: Date) async throws -> Int {
        try await pool.measuredWrite { db in
            try db.execute(sql: "UPDATE emails SET status = 'queued', next_attempt = ? WHERE status = 'sending'", arguments: [now])
            return db.changesCount
        }
    }

    private static func changing(_ email: EmailRecord) -> StatementArguments {
        [email.status.rawValue, email.attempts, email.nextAttempt, email.serverReply, email.dateUpdated, email.dateSent]
    }

    static func email(_ row: Row) throws -> EmailRecord {
        func addresses(_ column: String) throws -> [String] {
            try row.text(column).split(separator: ",").map(String.init)
        }
        return EmailRecord(
            sid: try row.sid("sid"), accountSid: try row.sid("account_sid"), from: try row.text("from_address"), to: try addresses("to_addresses"),
            cc: try addresses("cc_addresses"), bcc: try addresses("bcc_addresses"), subject: try row.text("subject"), body: try row.text("body"),
            isHTML: try row.decode(Bool.self, forColumn: "is_html"), status: try row.value("status"),
            attempts: try row.decode(Int.self, forColumn: "attempts"), nextAttempt: try row.decode(Date?.self, forColumn: "next_attempt"),
            serverReply: try row.optionalText("server_reply"), callSid: try row.optionalSid("call_sid"), dateCreated: try row.date("date_created"),
            dateUpdated: try row.date("date_updated"), dateSent: try row.decode(Date?.self, forColumn: "date_sent"))
    }
}
