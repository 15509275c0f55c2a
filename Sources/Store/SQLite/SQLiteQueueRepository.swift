import Foundation
import GRDB

struct SQLiteQueueRepository: QueueRepository {
    let pool: DatabasePool

    func insert(_ queue: QueueRecord) async throws {
        do {
            try await pool.measuredWrite { db in
                try db.execute(
                    sql: """
                        INSERT INTO queues (sid, account_sid, friendly_name, max_size, date_created, date_updated)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        queue.sid.rawValue, queue.accountSid.rawValue, queue.friendlyName, queue.maxSize, queue.dateCreated,
                        queue.dateUpdated,
                    ])
            }
        } catch let error as DatabaseError where error.isUniqueViolation {
            throw StoreError.duplicate(field: "FriendlyName")
        }
    }

    func update(_ queue: QueueRecord) async throws {
        do {
            try await pool.measuredWrite { db in
                try db.execute(
                    sql: "UPDATE queues SET friendly_name = ?, max_size = ?, date_updated = ? WHERE sid = ?",
                    arguments: [queue.friendlyName, queue.maxSize, queue.dateUpdated, queue.sid.rawValue])
            }
        } catch let error as DatabaseError where error.isUniqueViolation {
            throw StoreError.duplicate(field: "FriendlyName")
        }
    }

    func find(_ sid: QueueSid, account: AccountSid) async throws -> QueueRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM queues WHERE sid = ? AND account_sid = ?", arguments: [sid.rawValue, account.rawValue])
                .map(Self.queue)
        }
    }

    func find(name: String, account: AccountSid) async throws -> QueueRecord? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM queues WHERE friendly_name = ? AND account_sid = ?", arguments: [name, account.rawValue]
            ).map(Self.queue)
        }
    }

    func list(account: AccountSid, page: PageRequest) async throws -> PageResult<QueueRecord> {
        var query = PagedQuery(table: "queues", order: "date_created DESC, rowid DESC")
        query.require("account_sid = ?", account.rawValue)
        return try await pool.read { [query] db in try query.fetch(db, page: page, map: Self.queue) }
    }

    func delete(_ sid: QueueSid, account: AccountSid) async throws -> Bool {
        try await pool.measuredWrite { db in
            try db.execute(sql: "DELETE FROM queues WHERE sid = ? AND account_sid = ?", arguments: [sid.rawValue, account.rawValue])
            return db.changesCount > 0
        }
    }

    static func queue(_ row: Row) throws -> QueueRecord {
        QueueRecord(
            sid: try row.sid("sid"), accountSid: try row.sid("account_sid"), friendlyName: try row.text("friendly_name"),
            maxSize: row["max_size"], dateCreated: try row.date("date_created"), dateUpdated: try row.date("date_updated"))
    }
}
