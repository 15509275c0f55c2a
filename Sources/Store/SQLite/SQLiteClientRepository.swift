import GRDB

struct SQLiteClientRepository: ClientRepository {
    let pool: DatabasePool

    func insert(_ client: Client) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO clients (login, friendly_name, status, digest_realm, ha1_md5,
                        ha1_sha256, voice_url, voice_method, voice_fallback_url,
                        voice_fallback_method, voice_application_sid, date_updated,
                        sid, account_sid, date_created)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: Self.mutableColumns(client) + [
                    client.sid.rawValue, client.accountSid.rawValue, client.dateCreated,
                ])
        }
    }

    func update(_ client: Client) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE clients SET login = ?, friendly_name = ?, status = ?, digest_realm = ?,
                        ha1_md5 = ?, ha1_sha256 = ?, voice_url = ?, voice_method = ?,
                        voice_fallback_url = ?, voice_fallback_method = ?,
                        voice_application_sid = ?, date_updated = ?
                    WHERE sid = ? AND account_sid = ?
                    """,
                arguments: Self.mutableColumns(client) + [
                    client.sid.rawValue, client.accountSid.rawValue,
                ])
        }
    }

    func find(_ sid: ClientSid, account: AccountSid) async throws -> Client? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM clients WHERE sid = ? AND account_sid = ?",
                arguments: [sid.rawValue, account.rawValue]
            ).map(Self.client)
        }
    }

    func list(account: AccountSid, login: String?, page: PageRequest) async throws
        -> PageResult<Client>
    {
        var query = PagedQuery(table: "clients", order: "date_created, rowid")
        query.require("account_sid = ?", account.rawValue)
        if let login { query.require("login = ?", login) }
        return try await pool.read { [query] db in try query.fetch(db, page: page, map: Self.client) }
    }

    func delete(_ sid: ClientSid, account: AccountSid) async throws -> Bool {
        try await pool.measuredWrite { db in
            try db.execute(
                sql: "DELETE FROM clients WHERE sid = ? AND account_sid = ?",
                arguments: [sid.rawValue, account.rawValue])
            return db.changesCount > 0
        }
    }

    func withLogin(_ login: String) async throws -> [Client] {
        try await pool.read { db in
            // Cached statement: the registrar runs this for every authenticated REGISTER.
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM clients WHERE login = ?"), arguments: [login])
                .map(Self.client)
        }
    }

    /// Runs a write, turning constraint failures into errors that name the API parameter.
    private func write(_ body: @Sendable @escaping (Database) throws -> Void) async throws {
        do {
            try await pool.measuredWrite(body)
        } catch let error as DatabaseError where error.isUniqueViolation {
            throw StoreError.duplicate(field: "Login")
        } catch let error as DatabaseError where error.isForeignKeyViolation {
            throw StoreError.missingReference(field: "VoiceApplicationSid")
        }
    }

    private static func mutableColumns(_ client: Client) -> StatementArguments {
        [
            client.login, client.friendlyName, client.status.rawValue, client.credentials.realm,
            client.credentials.ha1MD5, client.credentials.ha1SHA256, client.voiceUrl,
            client.voiceMethod.rawValue, client.voiceFallbackUrl,
            client.voiceFallbackMethod.rawValue, client.voiceApplicationSid?.rawValue,
            client.dateUpdated,
        ]
    }

    static func client(_ row: Row) throws -> Client {
        Client(
            sid: try row.sid("sid"), accountSid: try row.sid("account_sid"),
            login: try row.text("login"), friendlyName: try row.text("friendly_name"),
            status: try row.value("status"),
            credentials: DigestCredentials(
                realm: try row.text("digest_realm"), ha1MD5: try row.text("ha1_md5"),
                ha1SHA256: try row.text("ha1_sha256")),
            voiceUrl: try row.optionalText("voice_url"), voiceMethod: try row.value("voice_method"),
            voiceFallbackUrl: try row.optionalText("voice_fallback_url"),
            voiceFallbackMethod: try row.value("voice_fallback_method"),
            voiceApplicationSid: try row.optionalSid("voice_application_sid"),
            dateCreated: try row.date("date_created"), dateUpdated: try row.date("date_updated"))
    }
}
