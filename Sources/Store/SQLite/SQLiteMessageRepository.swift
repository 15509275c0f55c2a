import Foundation
import GRDB

struct SQLiteMessageRepository: MessageRepository {
    let pool: DatabasePool

    func insert(_ message: MessageRecord) async throws {
        try await pool.measuredWrite { db in try Self.insert(db, message) }
    }

    private static func insert(_ db: Database, _ message: MessageRecord) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO messages (status, error_code, error_message, attempts, date_updated, date_sent, sid, account_sid,
                    direction, from_address, to_address, body, num_segments, encoding, status_callback,
                    status_callback_method, call_sid, date_created)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: changing(message) + [
                message.sid.rawValue, message.accountSid.rawValue, message.direction.rawValue, message.from, message.to,
                message.body, message.segmentCount, message.encoding, message.statusCallback,
                message.statusCallbackMethod.rawValue, message.callSid?.rawValue, message.dateCreated,
            ])
    }

    func update(_ message: MessageRecord) async throws {
        try await pool.measuredWrite { db in try Self.update(db, message) }
    }

    private static func update(_ db: Database, _ message: MessageRecord) throws {
        try db.cachedStatement(
            sql: """
                UPDATE messages SET status = ?, error_code = ?, error_message = ?, attempts = ?, date_updated = ?, date_sent = ?
                WHERE sid = ?
                """
        ).execute(arguments: changing(message) + [message.sid.rawValue])
    }

    func find(_ sid: MessageSid, account: AccountSid) async throws -> MessageRecord? {
        try await pool.read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM messages WHERE sid = ? AND account_sid = ?"), arguments: [sid.rawValue, account.rawValue]
            ).map(Self.message)
        }
    }

    func list(account: AccountSid, filter: MessageFilter, page: PageRequest) async throws -> PageResult<MessageRecord> {
        var query = PagedQuery(table: "messages", order: "date_created DESC, rowid DESC")
        query.require("account_sid = ?", account.rawValue)
        if let to = filter.to { query.require("to_address = ?", to) }
        if let from = filter.from { query.require("from_address = ?", from) }
        if let date = filter.sentAfter { query.require("date_sent >= ?", date) }
        if let date = filter.sentBefore { query.require("date_sent < ?", date) }
        return try await pool.read { [query] db in try query.fetch(db, page: page, map: Self.message) }
    }

    func queued() async throws -> [MessageRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM messages WHERE status = 'queued' ORDER BY date_created, rowid").map(Self.message)
        }
    }

    func requeueInFlight() async throws -> Int {
        try await pool.measuredWrite { db in
            try db.execute(sql: "UPDATE messages SET status = 'queued' WHERE status = 'sending'")
            return db.changesCount
        }
    }

    func recordSent(_ message: MessageRecord, parts smscMessageIDs: [String]) async throws {
        try await pool.measuredWrite { db in
            try Self.update(db, message)
            for (part, id) in smscMessageIDs.enumerated() {
                // An SMSC that reuses an id after a restart: the newer message owns it.
                try db.cachedStatement(sql: "INSERT OR REPLACE INTO message_parts (smsc_message_id, message_sid, part) VALUES (?, ?, ?)")
                    .execute(arguments: [id, message.sid.rawValue, part])
            }
        }
    }

    func recordReceipt(smscMessageID: String, outcome: MessagePartOutcome, errorCode: String?) async throws
        -> (message: MessageRecord, parts: [MessagePartOutcome?])?
    {
        try await pool.measuredWrite { db in
            try db.cachedStatement(sql: "UPDATE message_parts SET outcome = ?, error_code = ? WHERE smsc_message_id = ?")
                .execute(arguments: [outcome.rawValue, errorCode, smscMessageID])
            guard db.changesCount > 0,
                let sid = try String.fetchOne(
                    db.cachedStatement(sql: "SELECT message_sid FROM message_parts WHERE smsc_message_id = ?"), arguments: [smscMessageID]),
                let message = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM messages WHERE sid = ?"), arguments: [sid]).map(Self.message)
            else { return nil }
            let outcomes = try String?.fetchAll(
                db.cachedStatement(sql: "SELECT outcome FROM message_parts WHERE message_sid = ? ORDER BY part"), arguments: [sid])
            return (message, outcomes.map { $0.flatMap(MessagePartOutcome.init(rawValue:)) })
        }
    }

    func receivePart(_ part: IncomingMessagePart, assemble: @escaping @Sendable ([IncomingMessagePart]) -> MessageRecord) async throws
        -> MessageRecord?
    {
        try await pool.measuredWrite { db in
            try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO incoming_message_parts (source, destination, reference, total, sequence, data_coding, payload,
                        received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                part.source, part.destination, part.reference, part.total, part.sequence, Int(part.dataCoding), Data(part.payload),
                part.receivedAt,
            ])
            let group: StatementArguments = [part.source, part.destination, part.reference, part.total]
            let parts = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT * FROM incoming_message_parts WHERE source = ? AND destination = ? AND reference = ? AND total = ?
                        ORDER BY sequence
                        """), arguments: group
            ).map(Self.incomingPart)
            guard parts.count == part.total else { return nil }
            try db.cachedStatement(
                sql: "DELETE FROM incoming_message_parts WHERE source = ? AND destination = ? AND reference = ? AND total = ?"
            ).execute(arguments: group)
            let message = assemble(parts)
            try Self.insert(db, message)
            return message
        }
    }

    static func incomingPart(_ row: Row) throws -> IncomingMessagePart {
        IncomingMessagePart(
            source: try row.text("source"), destination: try row.text("destination"), reference: try row.decode(Int.self, forColumn: "reference"),
            total: try row.decode(Int.self, forColumn: "total"), sequence: try row.decode(Int.self, forColumn: "sequence"),
            dataCoding: UInt8(clamping: try row.decode(Int.self, forColumn: "data_coding")),
            payload: [UInt8](try row.decode(Data.self, forColumn: "payload")), receivedAt: try row.date("received_at"))
    }

    private static func changing(_ message: MessageRecord) -> StatementArguments {
        [message.status.rawValue, message.errorCode, message.errorMessage, message.attempts, message.dateUpdated, message.dateSent]
    }

    static func message(_ row: Row) throws -> MessageRecord {
        MessageRecord(
            sid: try row.sid("sid"), accountSid: try row.sid("account_sid"), direction: try row.value("direction"),
            from: try row.text("from_address"), to: try row.text("to_address"), body: try row.text("body"),
            status: try row.value("status"), segmentCount: try row.decode(Int.self, forColumn: "num_segments"),
            encoding: try row.text("encoding"), errorCode: try row.decode(Int?.self, forColumn: "error_code"),
            errorMessage: try row.optionalText("error_message"), statusCallback: try row.optionalText("status_callback"),
            statusCallbackMethod: try row.value("status_callback_method"), callSid: try row.optionalSid("call_sid"),
            attempts: try row.decode(Int.self, forColumn: "attempts"), dateCreated: try row.date("date_created"),
            dateUpdated: try row.date("date_updated"), dateSent: try row.decode(Date?.self, forColumn: "date_sent"))
    }
}
