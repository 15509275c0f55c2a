import GRDB

struct SQLiteAccountRepository: AccountRepository {
    let pool: DatabasePool

    func insert(_ account: Account) async throws {
        try await pool.measuredWrite { db in
            try db.execute(
                sql: """
                    INSERT INTO accounts (sid, owner_sid, friendly_name, status, role,
                        auth_token_hash, auth_token_sealed, max_concurrent_calls, max_calls_per_second, max_say_characters,
                        date_created, date_updated)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    account.sid.rawValue, account.ownerSid?.rawValue, account.friendlyName,
                    account.status.rawValue, account.role.rawValue, account.authTokenHash,
                    account.authTokenSealed, account.limits.concurrentCalls, account.limits.callsPerSecond,
                    account.limits.sayCharacters, account.dateCreated, account.dateUpdated,
                ])
        }
    }

    func update(_ account: Account) async throws {
        try await pool.measuredWrite { db in
            try db.execute(
                sql: """
                    UPDATE accounts SET friendly_name = ?, status = ?, role = ?,
                        auth_token_hash = ?, auth_token_sealed = ?, max_concurrent_calls = ?, max_calls_per_second = ?,
                        max_say_characters = ?, date_updated = ?
                    WHERE sid = ?
                    """,
                arguments: [
                    account.friendlyName, account.status.rawValue, account.role.rawValue,
                    account.authTokenHash, account.authTokenSealed, account.limits.concurrentCalls,
                    account.limits.callsPerSecond, account.limits.sayCharacters, account.dateUpdated, account.sid.rawValue,
                ])
        }
    }

    func find(_ sid: AccountSid) async throws -> Account? {
        try await pool.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM accounts WHERE sid = ?"), arguments: [sid.rawValue]).map(Self.account)
        }
    }

    func family(of sid: AccountSid, filter: AccountFilter, page: PageRequest) async throws
        -> PageResult<Account>
    {
        var query = PagedQuery(
            table: "accounts", order: "owner_sid IS NOT NULL, date_created, rowid")
        query.require("(sid = ? OR owner_sid = ?)", sid.rawValue, sid.rawValue)
        if let name = filter.friendlyName { query.require("friendly_name = ?", name) }
        if let status = filter.status { query.require("status = ?", status.rawValue) }
        return try await pool.read { [query] db in try query.fetch(db, page: page, map: Self.account) }
    }

    func all() async throws -> [Account] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM accounts ORDER BY date_created, rowid")
                .map(Self.account)
        }
    }

    static func account(_ row: Row) throws -> Account {
        Account(
            sid: try row.sid("sid"), ownerSid: try row.optionalSid("owner_sid"),
            friendlyName: try row.text("friendly_name"), status: try row.value("status"),
            role: try row.value("role"), authTokenHash: try row.text("auth_token_hash"),
            authTokenSealed: row["auth_token_sealed"],
            limits: AccountLimits(
                concurrentCalls: row["max_concurrent_calls"], callsPerSecond: row["max_calls_per_second"],
                sayCharacters: row["max_say_characters"]),
            dateCreated: try row.date("date_created"), dateUpdated: try row.date("date_updated"))
    }
}
