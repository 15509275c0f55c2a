import Foundation
import GRDB

struct SQLiteCallRepository: CallRepository {
    let pool: DatabasePool

    func insert(_ call: CallRecord) async throws {
        try await pool.measuredWrite { db in
            try db.execute(
                sql: """
                    INSERT INTO calls (status, start_time, end_time, date_updated, media_quality, sid, account_sid,
                        parent_call_sid, "to", "from", direction, phone_number_sid, forwarded_from,
                        caller_name, sip_call_id, date_created)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: Self.changing(call) + [
                    call.sid.rawValue, call.accountSid.rawValue, call.parentCallSid?.rawValue, call.to,
                    call.from, call.direction.rawValue, call.phoneNumberSid?.rawValue, call.forwardedFrom,
                    call.callerName, call.sipCallID, call.dateCreated,
                ])
        }
    }

    func update(_ call: CallRecord) async throws {
        try await pool.measuredWrite { db in
            try db.execute(
                sql: """
                    UPDATE calls SET status = ?, start_time = ?, end_time = ?, date_updated = ?, media_quality = ?
                    WHERE sid = ? AND status IN ('queued', 'ringing', 'in-progress')
                    """,
                arguments: Self.changing(call) + [call.sid.rawValue])
        }
    }

    func find(_ sid: CallSid, account: AccountSid) async throws -> CallRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM calls WHERE sid = ? AND account_sid = ?", arguments: [sid.rawValue, account.rawValue])
                .map(Self.call)
        }
    }

    func list(account: AccountSid, filter: CallFilter, page: PageRequest) async throws -> PageResult<CallRecord> {
        var query = PagedQuery(table: "calls", order: "date_created DESC, rowid DESC")
        query.require("account_sid = ?", account.rawValue)
        if let to = filter.to { query.require("\"to\" = ?", to) }
        if let from = filter.from { query.require("\"from\" = ?", from) }
        if let status = filter.status { query.require("status = ?", status.rawValue) }
        if let direction = filter.direction { query.require("direction = ?", direction.rawValue) }
        if let party = filter.party { query.require("(\"to\" = ? OR \"from\" = ?)", party, party) }
        if let parent = filter.parentCallSid { query.require("parent_call_sid = ?", parent.rawValue) }
        if let date = filter.startedAfter { query.require("start_time >= ?", date) }
        if let date = filter.startedBefore { query.require("start_time < ?", date) }
        if let date = filter.endedAfter { query.require("end_time >= ?", date) }
        if let date = filter.endedBefore { query.require("end_time < ?", date) }
        return try await pool.read { [query] db in try query.fetch(db, page: page, map: Self.call) }
    }

    func unfinished() async throws -> [CallRecord] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM calls WHERE status IN ('queued', 'ringing', 'in-progress') ORDER BY date_created"
            ).map(Self.call)
        }
    }

    func recent(limit: Int) async throws -> [CallRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM calls ORDER BY date_created DESC LIMIT ?", arguments: [limit]).map(Self.call)
        }
    }

    func delete(_ sid: CallSid, account: AccountSid) async throws -> Bool {
        try await pool.measuredWrite { db in
            try db.execute(
                sql: "DELETE FROM calls WHERE sid = ? AND account_sid = ? AND status NOT IN ('queued', 'ringing', 'in-progress')",
                arguments: [sid.rawValue, account.rawValue])
            return db.changesCount > 0
        }
    }

    func purge(createdBefore date: Date) async throws -> Int {
        try await pool.measuredWrite { db in
            try db.execute(
                sql: "DELETE FROM calls WHERE date_created < ? AND status NOT IN ('queued', 'ringing', 'in-progress')", arguments: [date])
            return db.changesCount
        }
    }

    func closeOpenCalls(at now: Date) async throws -> Int {
        try await pool.measuredWrite { db in
            try db.execute(
                sql: """
                    UPDATE calls SET status = CASE WHEN start_time IS NULL THEN 'failed' ELSE 'completed' END,
                        end_time = ?, date_updated = ?
                    WHERE status IN ('queued', 'ringing', 'in-progress')
                    """,
                arguments: [now, now])
            return db.changesCount
        }
    }

    private static func changing(_ call: CallRecord) -> StatementArguments {
        let quality = call.quality.flatMap { try? JSONEncoder().encode($0) }.map { String(decoding: $0, as: UTF8.self) }
        return [call.status.rawValue, call.startTime, call.endTime, call.dateUpdated, quality]
    }

    static func call(_ row: Row) throws -> CallRecord {
        CallRecord(
            sid: try row.sid("sid"), accountSid: try row.sid("account_sid"),
            parentCallSid: try row.optionalSid("parent_call_sid"), to: try row.text("to"),
            from: try row.text("from"), status: try row.value("status"), direction: try row.value("direction"),
            phoneNumberSid: try row.optionalSid("phone_number_sid"),
            forwardedFrom: try row.optionalText("forwarded_from"), callerName: try row.optionalText("caller_name"),
            sipCallID: try row.optionalText("sip_call_id"),
            startTime: try row.decode(Date?.self, forColumn: "start_time"),
            endTime: try row.decode(Date?.self, forColumn: "end_time"),
            dateCreated: try row.date("date_created"), dateUpdated: try row.date("date_updated"),
            quality: try row.optionalText("media_quality").flatMap { try? JSONDecoder().decode(CallQuality.self, from: Data($0.utf8)) })
    }
}
