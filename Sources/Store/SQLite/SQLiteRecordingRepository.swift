import Foundation
import GRDB

struct SQLiteRecordingRepository: RecordingRepository {
    let pool: DatabasePool

    func insert(_ recording: Recording) async throws {
        try await pool.measuredWrite { db in
            try db.execute(
                sql: """
                    INSERT INTO recordings (sid, account_sid, call_sid, conference_sid, status, duration, channels, source,
                        public_token, start_time, date_created, date_updated)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    recording.sid.rawValue, recording.accountSid.rawValue, recording.callSid?.rawValue, recording.conferenceSid?.rawValue,
                    recording.status.rawValue, recording.duration, recording.channels, recording.source,
                    recording.publicToken, recording.startTime, recording.dateCreated, recording.dateUpdated,
                ])
        }
    }

    func update(_ recording: Recording) async throws {
        try await pool.measuredWrite { db in
            try db.execute(
                sql: "UPDATE recordings SET status = ?, duration = ?, public_token = ?, date_updated = ? WHERE sid = ?",
                arguments: [
                    recording.status.rawValue, recording.duration, recording.publicToken, recording.dateUpdated,
                    recording.sid.rawValue,
                ])
        }
    }

    func find(_ sid: RecordingSid, account: AccountSid) async throws -> Recording? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM recordings WHERE sid = ? AND account_sid = ?", arguments: [sid.rawValue, account.rawValue]
            ).map(Self.recording)
        }
    }

    func find(publicToken: String) async throws -> Recording? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM recordings WHERE public_token = ?", arguments: [publicToken]).map(Self.recording)
        }
    }

    func list(account: AccountSid, callSid: CallSid?, conferenceSid: ConferenceSid?, page: PageRequest) async throws -> PageResult<Recording> {
        var query = PagedQuery(table: "recordings", order: "date_created DESC, rowid DESC")
        query.require("account_sid = ?", account.rawValue)
        if let callSid { query.require("call_sid = ?", callSid.rawValue) }
        if let conferenceSid { query.require("conference_sid = ?", conferenceSid.rawValue) }
        return try await pool.read { [query] db in try query.fetch(db, page: page, map: Self.recording) }
    }

    func delete(_ sid: RecordingSid, account: AccountSid) async throws -> Bool {
        try await pool.measuredWrite { db in
            try db.execute(sql: "DELETE FROM recordings WHERE sid = ? AND account_sid = ?", arguments: [sid.rawValue, account.rawValue])
            return db.changesCount > 0
        }
    }

    func created(before date: Date, limit: Int) async throws -> [Recording] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM recordings WHERE date_created < ? ORDER BY date_created LIMIT ?", arguments: [date, limit]
            ).map(Self.recording)
        }
    }

    func unfinished() async throws -> [Recording] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM recordings WHERE status = ?", arguments: [RecordingStatus.inProgress.rawValue])
                .map(Self.recording)
        }
    }

    static func recording(_ row: Row) throws -> Recording {
        Recording(
            sid: try row.sid("sid"), accountSid: try row.sid("account_sid"), callSid: try row.optionalSid("call_sid"),
            conferenceSid: try row.optionalSid("conference_sid"),
            status: try row.value("status"), duration: row["duration"], channels: row["channels"],
            source: try row.text("source"), publicToken: try row.optionalText("public_token"),
            startTime: try row.date("start_time"), dateCreated: try row.date("date_created"), dateUpdated: try row.date("date_updated"))
    }
}
