import Foundation
import GRDB

struct SQLiteConferenceRepository: ConferenceRepository {
    let pool: DatabasePool

    func insert(_ conference: ConferenceRecord) async throws {
        try await pool.measuredWrite { db in
            try db.execute(
                sql: """
                    INSERT INTO conferences (sid, account_sid, friendly_name, status, date_created, date_updated)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    conference.sid.rawValue, conference.accountSid.rawValue, conference.friendlyName, conference.status.rawValue,
                    conference.dateCreated, conference.dateUpdated,
                ])
        }
    }

    func update(_ conference: ConferenceRecord) async throws {
        try await pool.measuredWrite { db in
            try db.execute(
                sql: "UPDATE conferences SET status = ?, reason_ended = ?, date_updated = ? WHERE sid = ? AND status != 'completed'",
                arguments: [conference.status.rawValue, conference.reasonEnded, conference.dateUpdated, conference.sid.rawValue])
        }
    }

    func find(_ sid: ConferenceSid, account: AccountSid) async throws -> ConferenceRecord? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM conferences WHERE sid = ? AND account_sid = ?", arguments: [sid.rawValue, account.rawValue]
            ).map(Self.conference)
        }
    }

    func list(account: AccountSid, filter: ConferenceFilter, page: PageRequest) async throws -> PageResult<ConferenceRecord> {
        var query = PagedQuery(table: "conferences", order: "date_created DESC, rowid DESC")
        query.require("account_sid = ?", account.rawValue)
        if let status = filter.status { query.require("status = ?", status.rawValue) }
        if let name = filter.friendlyName { query.require("friendly_name = ?", name) }
        if let from = filter.createdFrom { query.require("date_created >= ?", from) }
        if let before = filter.createdBefore { query.require("date_created < ?", before) }
        return try await pool.read { [query] db in try query.fetch(db, page: page, map: Self.conference) }
    }

    func closeOpen(at date: Date) async throws -> Int {
        try await pool.measuredWrite { db in
            try db.execute(
                sql: "UPDATE conferences SET status = 'completed', reason_ended = 'last-participant-left', date_updated = ? WHERE status != 'completed'",
                arguments: [date])
            return db.changesCount
        }
    }

    static func conference(_ row: Row) throws -> ConferenceRecord {
        ConferenceRecord(
            sid: try row.sid("sid"), accountSid: try row.sid("account_sid"), friendlyName: try row.text("friendly_name"),
            status: try row.value("status"), reasonEnded: try row.optionalText("reason_ended"), dateCreated: try row.date("date_created"), dateUpdated: try row.date("date_updated"))
    }
}
