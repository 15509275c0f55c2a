import Foundation
import GRDB

struct SQLiteNotificationRepository: NotificationRepository {
    let pool: DatabasePool

    func insert(_ entry: NotificationEntry) async throws {
        try await pool.measuredWrite { db in
            try db.execute(
                sql: """
                    INSERT INTO notifications (sid, account_sid, call_sid, log, error_code,
                        more_info, message_text, message_date, request_url, request_method,
                        request_variables, response_headers, response_body, date_created)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    entry.sid.rawValue, entry.accountSid.rawValue, entry.callSid?.rawValue,
                    entry.level.rawValue, entry.errorCode, entry.moreInfo, entry.messageText,
                    entry.messageDate, entry.requestUrl, entry.requestMethod?.rawValue,
                    entry.requestVariables, entry.responseHeaders, entry.responseBody,
                    entry.dateCreated,
                ])
        }
    }

    func delete(_ sid: NotificationSid, account: AccountSid) async throws -> Bool {
        try await pool.measuredWrite { db in
            try db.execute(sql: "DELETE FROM notifications WHERE sid = ? AND account_sid = ?", arguments: [sid.rawValue, account.rawValue])
            return db.changesCount > 0
        }
    }

    func purge(createdBefore date: Date) async throws -> Int {
        try await pool.measuredWrite { db in
            try db.execute(sql: "DELETE FROM notifications WHERE date_created < ?", arguments: [date])
            return db.changesCount
        }
    }

    func find(_ sid: NotificationSid, account: AccountSid) async throws -> NotificationEntry? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM notifications WHERE sid = ? AND account_sid = ?",
                arguments: [sid.rawValue, account.rawValue]
            ).map(Self.entry)
        }
    }

    func list(account: AccountSid, filter: NotificationFilter, page: PageRequest) async throws
        -> PageResult<NotificationEntry>
    {
        var query = PagedQuery(table: "notifications", order: "date_created DESC, rowid DESC")
        query.require("account_sid = ?", account.rawValue)
        if let level = filter.level { query.require("log = ?", level.rawValue) }
        if let callSid = filter.callSid { query.require("call_sid = ?", callSid.rawValue) }
        return try await pool.read { [query] db in try query.fetch(db, page: page, map: Self.entry) }
    }

    static func entry(_ row: Row) throws -> NotificationEntry {
        NotificationEntry(
            sid: try row.sid("sid"), accountSid: try row.sid("account_sid"),
            callSid: try row.optionalSid("call_sid"), level: try row.value("log"),
            errorCode: try row.decode(Int.self, forColumn: "error_code"),
            moreInfo: try row.text("more_info"), messageText: try row.text("message_text"),
            messageDate: try row.date("message_date"), requestUrl: try row.optionalText("request_url"),
            requestMethod: try row.optionalValue("request_method"),
            requestVariables: try row.optionalText("request_variables"),
            responseHeaders: try row.optionalText("response_headers"),
            responseBody: try row.optionalText("response_body"),
            dateCreated: try row.date("date_created"))
    }
}
