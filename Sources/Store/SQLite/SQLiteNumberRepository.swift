import Foundation
import GRDB

struct SQLiteNumberRepository: NumberRepository {
    let pool: DatabasePool

    private static let availableCondition =
        "(state = 'available' OR (state = 'frozen' AND frozen_until <= ?))"

    func poolSize() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM phone_numbers") ?? 0 }
    }

    func loadPool(_ numbers: [PhoneNumber]) async throws -> Int {
        try await pool.measuredWrite { db in
            var added = 0
            let statement = try db.makeStatement(
                sql: """
                    INSERT OR IGNORE INTO phone_numbers (e164, type, zone, sms_supported,
                        price_tier, state)
                    VALUES (?, ?, ?, ?, ?, 'available')
                    """)
            for number in numbers {
                try statement.execute(arguments: [
                    number.e164, number.type.rawValue, number.zone, number.smsSupported,
                    number.priceTier.rawValue,
                ])
                added += db.changesCount
            }
            return added
        }
    }

    func available(_ filter: NumberFilter, at now: Date, page: PageRequest) async throws
        -> PageResult<PhoneNumber>
    {
        var query = Self.query(filter)
        query.require(Self.availableCondition, now)
        return try await pool.read { [query] db in try query.fetch(db, page: page, map: Self.number) }
    }

    func reserve(_ filter: NumberFilter, for account: AccountSid, at now: Date) async throws
        -> PhoneNumber?
    {
        var query = Self.query(filter)
        query.require(Self.availableCondition, now)
        // One write transaction: SQLite runs writers one at a time, so two accounts can never
        // both see the number available and both take it.
        return try await pool.measuredWrite { [query] db in
            guard let candidate = try query.fetch(db, page: PageRequest(size: 1), map: Self.number).items.first
            else { return nil }
            let sid = PhoneNumberSid.generate()
            try db.execute(
                sql: """
                    UPDATE phone_numbers SET state = 'reserved', sid = ?, account_sid = ?,
                        reserved_at = ?, frozen_until = NULL
                    WHERE e164 = ?
                    """,
                arguments: [sid.rawValue, account.rawValue, now, candidate.e164])
            try db.execute(
                sql: "INSERT INTO number_reservations (e164, account_sid, reserved_at) VALUES (?, ?, ?)",
                arguments: [candidate.e164, account.rawValue, now])
            return try Row.fetchOne(
                db, sql: "SELECT * FROM phone_numbers WHERE e164 = ?", arguments: [candidate.e164]
            ).map(Self.number)
        }
    }

    func owned(by account: AccountSid, filter: NumberFilter, page: PageRequest) async throws
        -> PageResult<PhoneNumber>
    {
        var query = Self.query(filter)
        query.require("state = 'reserved' AND account_sid = ?", account.rawValue)
        return try await pool.read { [query] db in try query.fetch(db, page: page, map: Self.number) }
    }

    func find(_ sid: PhoneNumberSid, account: AccountSid) async throws -> PhoneNumber? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM phone_numbers WHERE sid = ? AND account_sid = ?",
                arguments: [sid.rawValue, account.rawValue]
            ).map(Self.number)
        }
    }

    func find(e164: String) async throws -> PhoneNumber? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM phone_numbers WHERE e164 = ?", arguments: [e164])
                .map(Self.number)
        }
    }

    func updateRouting(_ sid: PhoneNumberSid, account: AccountSid, routing: NumberRouting)
        async throws
    {
        do {
            try await pool.measuredWrite { db in
                try db.execute(
                    sql: """
                        UPDATE phone_numbers SET friendly_name = ?, voice_url = ?, voice_method = ?,
                            voice_fallback_url = ?, voice_fallback_method = ?, status_callback = ?,
                            status_callback_method = ?, voice_application_sid = ?, sms_url = ?,
                            sms_method = ?, sms_fallback_url = ?, sms_fallback_method = ?, sms_application_sid = ?
                        WHERE sid = ? AND account_sid = ?
                        """,
                    arguments: [
                        routing.friendlyName, routing.voiceUrl, routing.voiceMethod.rawValue,
                        routing.voiceFallbackUrl, routing.voiceFallbackMethod.rawValue,
                        routing.statusCallback, routing.statusCallbackMethod.rawValue,
                        routing.voiceApplicationSid?.rawValue, routing.smsUrl,
                        routing.smsMethod.rawValue, routing.smsFallbackUrl, routing.smsFallbackMethod.rawValue,
                        routing.smsApplicationSid?.rawValue,
                        sid.rawValue, account.rawValue,
                    ])
            }
        } catch let error as DatabaseError where error.isForeignKeyViolation {
            throw StoreError.missingReference(field: "VoiceApplicationSid")
        }
    }

    func release(_ sid: PhoneNumberSid, account: AccountSid, at now: Date, frozenUntil: Date)
        async throws -> Bool
    {
        try await pool.measuredWrite { db in
            guard
                let e164 = try String.fetchOne(
                    db,
                    sql: "SELECT e164 FROM phone_numbers WHERE sid = ? AND account_sid = ? AND state = 'reserved'",
                    arguments: [sid.rawValue, account.rawValue])
            else { return false }
            try db.execute(
                sql: """
                    UPDATE phone_numbers SET state = 'frozen', frozen_until = ?, sid = NULL,
                        account_sid = NULL, reserved_at = NULL, friendly_name = NULL,
                        voice_url = NULL, voice_method = 'POST', voice_fallback_url = NULL,
                        voice_fallback_method = 'POST', status_callback = NULL,
                        status_callback_method = 'POST', voice_application_sid = NULL,
                        sms_url = NULL, sms_method = 'POST', sms_fallback_url = NULL, sms_fallback_method = 'POST',
                        sms_application_sid = NULL
                    WHERE e164 = ?
                    """,
                arguments: [frozenUntil, e164])
            try db.execute(
                sql: """
                    UPDATE number_reservations SET released_at = ?
                    WHERE e164 = ? AND account_sid = ? AND released_at IS NULL
                    """,
                arguments: [now, e164, account.rawValue])
            return true
        }
    }

    func reservations(of account: AccountSid) async throws -> [NumberReservation] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM number_reservations WHERE account_sid = ? ORDER BY reserved_at, rowid",
                arguments: [account.rawValue]
            ).map { row in
                NumberReservation(
                    e164: try row.text("e164"), accountSid: try row.sid("account_sid"),
                    reservedAt: try row.date("reserved_at"),
                    releasedAt: try row.decode(Date?.self, forColumn: "released_at"))
            }
        }
    }

    private static func query(_ filter: NumberFilter) -> PagedQuery {
        var query = PagedQuery(table: "phone_numbers", order: "e164")
        if let zone = filter.zone { query.require("zone = ?", zone) }
        if let type = filter.type { query.require("type = ?", type.rawValue) }
        if let tier = filter.priceTier { query.require("price_tier = ?", tier.rawValue) }
        if let sms = filter.smsSupported { query.require("sms_supported = ?", sms) }
        if let contains = filter.contains { query.require("instr(e164, ?) > 0", contains) }
        if let e164 = filter.e164 { query.require("e164 = ?", e164) }
        return query
    }

    static func number(_ row: Row) throws -> PhoneNumber {
        var routing = NumberRouting()
        routing.friendlyName = try row.optionalText("friendly_name")
        routing.voiceUrl = try row.optionalText("voice_url")
        routing.voiceMethod = try row.value("voice_method")
        routing.voiceFallbackUrl = try row.optionalText("voice_fallback_url")
        routing.voiceFallbackMethod = try row.value("voice_fallback_method")
        routing.statusCallback = try row.optionalText("status_callback")
        routing.statusCallbackMethod = try row.value("status_callback_method")
        routing.voiceApplicationSid = try row.optionalSid("voice_application_sid")
        routing.smsUrl = try row.optionalText("sms_url")
        routing.smsMethod = try row.value("sms_method")
        routing.smsFallbackUrl = try row.optionalText("sms_fallback_url")
        routing.smsFallbackMethod = try row.value("sms_fallback_method")
        routing.smsApplicationSid = try row.optionalSid("sms_application_sid")
        return PhoneNumber(
            e164: try row.text("e164"), type: try row.value("type"), zone: try row.text("zone"),
            smsSupported: try row.decode(Bool.self, forColumn: "sms_supported"),
            priceTier: try row.value("price_tier"), state: try row.value("state"),
            sid: try row.optionalSid("sid"), accountSid: try row.optionalSid("account_sid"),
            reservedAt: try row.decode(Date?.self, forColumn: "reserved_at"),
            frozenUntil: try row.decode(Date?.self, forColumn: "frozen_until"), routing: routing)
    }
}
