import Foundation
import GRDB

struct SQLiteVerificationRepository: VerificationRepository {
    let pool: DatabasePool

    func insertService(_ service: VerifyServiceRecord) async throws {
        try await pool.measuredWrite { db in
            try db.execute(
                sql: """
                    INSERT INTO verify_services (sid, account_sid, friendly_name, code_length, default_locale, channel_order,
                        date_created, date_updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    service.sid.rawValue, service.accountSid.rawValue, service.friendlyName, service.codeLength, service.defaultLocale,
                    service.channelOrder.map(\.rawValue).joined(separator: ","), service.dateCreated, service.dateUpdated,
                ])
        }
    }

    func updateService(_ service: VerifyServiceRecord) async throws {
        try await pool.measuredWrite { db in
            try db.execute(
                sql: """
                    UPDATE verify_services SET friendly_name = ?, code_length = ?, default_locale = ?, channel_order = ?, date_updated = ?
                    WHERE sid = ? AND account_sid = ?
                    """,
                arguments: [
                    service.friendlyName, service.codeLength, service.defaultLocale, service.channelOrder.map(\.rawValue).joined(separator: ","),
                    service.dateUpdated, service.sid.rawValue, service.accountSid.rawValue,
                ])
        }
    }

    func service(_ sid: VerifyServiceSid, account: AccountSid) async throws -> VerifyServiceRecord? {
        try await pool.read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM verify_services WHERE sid = ? AND account_sid = ?"), arguments: [sid.rawValue, account.rawValue]
            ).map(Self.service)
        }
    }

    func services(of account: AccountSid, page: PageRequest) async throws -> PageResult<VerifyServiceRecord> {
        var query = PagedQuery(table: "verify_services", order: "date_created DESC, rowid DESC")
        query.require("account_sid = ?", account.rawValue)
        return try await pool.read { [query] db in try query.fetch(db, page: page, map: Self.service) }
    }

    func deleteService(_ sid: VerifyServiceSid, account: AccountSid) async throws -> Bool {
        try await pool.measuredWrite { db in
            try db.execute(
                sql: """
                    DELETE FROM verification_attempts WHERE verification_sid IN (SELECT sid FROM verifications WHERE service_sid = ?);
                    DELETE FROM verifications WHERE service_sid = ?;
                    """, arguments: [sid.rawValue, sid.rawValue])
            try db.execute(sql: "DELETE FROM verify_services WHERE sid = ? AND account_sid = ?", arguments: [sid.rawValue, account.rawValue])
            return db.changesCount > 0
        }
    }

    func start(
        _ fresh: VerificationRecord, codeHash: @escaping @Sendable (VerificationSid) -> String, attemptSid: VerificationAttemptSid,
        channel: VerificationChannel, sendLimit: Int, since: Date
    ) async throws -> (VerificationRecord, [VerificationAttempt])? {
        try await pool.measuredWrite { db in
            let sent = try Int.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT COUNT(*) FROM verification_attempts JOIN verifications ON verifications.sid = verification_attempts.verification_sid
                        WHERE verifications.to_address = ? AND verification_attempts.date_created >= ?
                        """), arguments: [fresh.to, since]) ?? 0
            guard sent < sendLimit else { return nil }
            var verification: VerificationRecord
            if var pending = try Self.pending(db, to: fresh.to, service: fresh.serviceSid), pending.expiresAt > fresh.dateCreated {
                pending.codeHash = codeHash(pending.sid)
                pending.expiresAt = fresh.expiresAt
                pending.dateUpdated = fresh.dateCreated
                try Self.update(db, pending)
                verification = pending
            } else {
                verification = fresh
                verification.codeHash = codeHash(fresh.sid)
                try db.cachedStatement(
                    sql: """
                        INSERT INTO verifications (status, code_hash, checks, expires_at, date_updated, sid, service_sid, account_sid,
                            to_address, email, channel, locale, custom_friendly_name, date_created)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """
                ).execute(
                    arguments: Self.changing(verification) + [
                        verification.sid.rawValue, verification.serviceSid.rawValue, verification.accountSid.rawValue, verification.to,
                        verification.email, verification.channel, verification.locale, verification.customFriendlyName, verification.dateCreated,
                    ])
            }
            try Self.insert(
                db,
                VerificationAttempt(
                    sid: attemptSid, verificationSid: verification.sid, channel: channel, outcome: .sending, detail: nil,
                    dateCreated: fresh.dateCreated, dateUpdated: fresh.dateCreated))
            return (verification, try Self.attempts(db, of: verification.sid))
        }
    }

    func modify<Result: Sendable>(
        _ locator: VerificationLocator, service: VerifyServiceSid, account: AccountSid, change: @escaping @Sendable (inout VerificationRecord) -> Result
    ) async throws -> (VerificationRecord, Result)? {
        try await pool.measuredWrite { db in
            let found: VerificationRecord?
            switch locator {
            case .sid(let sid): found = try Self.find(db, sid, service: service)
            case .pending(let to): found = try Self.pending(db, to: to, service: service)
            }
            guard var verification = found, verification.accountSid == account else { return nil }
            let before = verification
            let result = change(&verification)
            if verification != before { try Self.update(db, verification) }
            return (verification, result)
        }
    }

    func find(_ sid: VerificationSid, service: VerifyServiceSid) async throws -> VerificationRecord? {
        try await pool.read { db in try Self.find(db, sid, service: service) }
    }

    private static func find(_ db: Database, _ sid: VerificationSid, service: VerifyServiceSid) throws -> VerificationRecord? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM verifications WHERE sid = ? AND service_sid = ?"), arguments: [sid.rawValue, service.rawValue]
        ).map(verification)
    }

    private static func pending(_ db: Database, to: String, service: VerifyServiceSid) throws -> VerificationRecord? {
        try Row.fetchOne(
            db.cachedStatement(
                sql: "SELECT * FROM verifications WHERE to_address = ? AND service_sid = ? AND status = 'pending' ORDER BY date_created DESC LIMIT 1"),
            arguments: [to, service.rawValue]
        ).map(verification)
    }

    /// Writes the status, the code's hash, the checks, the expiry and the update time.
    private static func update(_ db: Database, _ verification: VerificationRecord) throws {
        try db.cachedStatement(sql: "UPDATE verifications SET status = ?, code_hash = ?, checks = ?, expires_at = ?, date_updated = ? WHERE sid = ?")
            .execute(arguments: changing(verification) + [verification.sid.rawValue])
    }

    func insertAttempt(_ attempt: VerificationAttempt) async throws {
        try await pool.measuredWrite { db in try Self.insert(db, attempt) }
    }

    private static func insert(_ db: Database, _ attempt: VerificationAttempt) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO verification_attempts (outcome, detail, date_updated, sid, verification_sid, channel, date_created)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            attempt.outcome.rawValue, attempt.detail, attempt.dateUpdated, attempt.sid.rawValue, attempt.verificationSid.rawValue,
            attempt.channel.rawValue, attempt.dateCreated,
        ])
    }

    func updateAttempt(_ attempt: VerificationAttempt) async throws {
        try await pool.measuredWrite { db in
            try db.cachedStatement(sql: "UPDATE verification_attempts SET outcome = ?, detail = ?, date_updated = ? WHERE sid = ?")
                .execute(arguments: [attempt.outcome.rawValue, attempt.detail, attempt.dateUpdated, attempt.sid.rawValue])
        }
    }

    func attempts(of verification: VerificationSid) async throws -> [VerificationAttempt] {
        try await pool.read { db in try Self.attempts(db, of: verification) }
    }

    private static func attempts(_ db: Database, of verification: VerificationSid) throws -> [VerificationAttempt] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM verification_attempts WHERE verification_sid = ? ORDER BY date_created, rowid"),
            arguments: [verification.rawValue]
        ).map(attempt)
    }

    private static func changing(_ verification: VerificationRecord) -> StatementArguments {
        [verification.status.rawValue, verification.codeHash, verification.checks, verification.expiresAt, verification.dateUpdated]
    }

    static func service(_ row: Row) throws -> VerifyServiceRecord {
        let order = try row.text("channel_order").split(separator: ",").map { name in
            guard let channel = VerificationChannel(rawValue: String(name)) else { throw CorruptRowError(column: "channel_order", value: String(name)) }
            return channel
        }
        return VerifyServiceRecord(
            sid: try row.sid("sid"), accountSid: try row.sid("account_sid"), friendlyName: try row.text("friendly_name"),
            codeLength: try row.decode(Int.self, forColumn: "code_length"), defaultLocale: try row.text("default_locale"), channelOrder: order,
            dateCreated: try row.date("date_created"), dateUpdated: try row.date("date_updated"))
    }

    static func verification(_ row: Row) throws -> VerificationRecord {
        VerificationRecord(
            sid: try row.sid("sid"), serviceSid: try row.sid("service_sid"), accountSid: try row.sid("account_sid"), to: try row.text("to_address"),
            email: try row.optionalText("email"), channel: try row.text("channel"), locale: try row.text("locale"),
            customFriendlyName: try row.optionalText("custom_friendly_name"), status: try row.value("status"), codeHash: try row.text("code_hash"),
            checks: try row.decode(Int.self, forColumn: "checks"), expiresAt: try row.date("expires_at"), dateCreated: try row.date("date_created"),
            dateUpdated: try row.date("date_updated"))
    }

    static func attempt(_ row: Row) throws -> VerificationAttempt {
        VerificationAttempt(
            sid: try row.sid("sid"), verificationSid: try row.sid("verification_sid"), channel: try row.value("channel"),
            outcome: try row.value("outcome"), detail: try row.optionalText("detail"), dateCreated: try row.date("date_created"),
            dateUpdated: try row.date("date_updated"))
    }
}
