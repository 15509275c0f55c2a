import GRDB

struct SQLiteApplicationRepository: ApplicationRepository {
    let pool: DatabasePool

    func insert(_ application: Application) async throws {
        try await pool.measuredWrite { db in
            try db.execute(
                sql: """
                    INSERT INTO applications (friendly_name, voice_url, voice_method,
                        voice_fallback_url, voice_fallback_method, status_callback,
                        status_callback_method, voice_caller_id_lookup, kind, date_updated,
                        sid, account_sid, date_created)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: Self.mutableColumns(application) + [
                    application.sid.rawValue, application.accountSid.rawValue,
                    application.dateCreated,
                ])
        }
    }

    func update(_ application: Application) async throws {
        try await pool.measuredWrite { db in
            try db.execute(
                sql: """
                    UPDATE applications SET friendly_name = ?, voice_url = ?, voice_method = ?,
                        voice_fallback_url = ?, voice_fallback_method = ?, status_callback = ?,
                        status_callback_method = ?, voice_caller_id_lookup = ?, kind = ?,
                        date_updated = ?
                    WHERE sid = ? AND account_sid = ?
                    """,
                arguments: Self.mutableColumns(application) + [
                    application.sid.rawValue, application.accountSid.rawValue,
                ])
        }
    }

    func find(_ sid: ApplicationSid, account: AccountSid) async throws -> Application? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM applications WHERE sid = ? AND account_sid = ?",
                arguments: [sid.rawValue, account.rawValue]
            ).map(Self.application)
        }
    }

    func list(account: AccountSid, friendlyName: String?, page: PageRequest) async throws
        -> PageResult<Application>
    {
        var query = PagedQuery(table: "applications", order: "date_created, rowid")
        query.require("account_sid = ?", account.rawValue)
        if let friendlyName { query.require("friendly_name = ?", friendlyName) }
        return try await pool.read { [query] db in try query.fetch(db, page: page, map: Self.application) }
    }

    func delete(_ sid: ApplicationSid, account: AccountSid) async throws -> Bool {
        try await pool.measuredWrite { db in
            try db.execute(
                sql: "DELETE FROM applications WHERE sid = ? AND account_sid = ?",
                arguments: [sid.rawValue, account.rawValue])
            return db.changesCount > 0
        }
    }

    private static func mutableColumns(_ application: Application) -> StatementArguments {
        [
            application.friendlyName, application.voiceUrl, application.voiceMethod.rawValue,
            application.voiceFallbackUrl, application.voiceFallbackMethod.rawValue,
            application.statusCallback, application.statusCallbackMethod.rawValue,
            application.voiceCallerIdLookup, application.kind.rawValue, application.dateUpdated,
        ]
    }

    static func application(_ row: Row) throws -> Application {
        Application(
            sid: try row.sid("sid"), accountSid: try row.sid("account_sid"),
            friendlyName: try row.text("friendly_name"), voiceUrl: try row.optionalText("voice_url"),
            voiceMethod: try row.value("voice_method"),
            voiceFallbackUrl: try row.optionalText("voice_fallback_url"),
            voiceFallbackMethod: try row.value("voice_fallback_method"),
            statusCallback: try row.optionalText("status_callback"),
            statusCallbackMethod: try row.value("status_callback_method"),
            voiceCallerIdLookup: try row.decode(Bool.self, forColumn: "voice_caller_id_lookup"),
            kind: try row.value("kind"), dateCreated: try row.date("date_created"),
            dateUpdated: try row.date("date_updated"))
    }
}
