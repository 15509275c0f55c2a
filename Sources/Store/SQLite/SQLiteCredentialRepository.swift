import Foundation
import GRDB

struct SQLiteCredentialRepository: CredentialRepository {
    let pool: DatabasePool

    func insertKey(_ key: ApiKey) async throws {
        try await pool.measuredWrite { db in
            try db.execute(
                sql: """
                    INSERT INTO api_keys (client_id, account_sid, friendly_name, secret_hash, date_created)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [key.clientId, key.accountSid.rawValue, key.friendlyName, key.secretHash, key.dateCreated])
        }
    }

    func key(clientId: String) async throws -> ApiKey? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM api_keys WHERE client_id = ?", arguments: [clientId])
                .map(Self.key)
        }
    }

    func keys(of account: AccountSid) async throws -> [ApiKey] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM api_keys WHERE account_sid = ? ORDER BY date_created, rowid",
                arguments: [account.rawValue]
            ).map(Self.key)
        }
    }

    func deleteKey(clientId: String, account: AccountSid) async throws -> Bool {
        try await pool.measuredWrite { db in
            try db.execute(
                sql: "DELETE FROM api_keys WHERE client_id = ? AND account_sid = ?",
                arguments: [clientId, account.rawValue])
            return db.changesCount > 0
        }
    }

    func activeAccessToken(orInsert candidate: AccessToken, at now: Date) async throws -> AccessToken {
        try await pool.measuredWrite { db in
            if let active = try Row.fetchOne(
                db,
                sql: """
                    SELECT * FROM access_tokens
                    WHERE client_id = ? AND revoked = 0 AND expires_at > ?
                    ORDER BY issued_at DESC, rowid DESC LIMIT 1
                    """,
                arguments: [candidate.clientId, now]
            ).map(Self.accessToken) {
                return active
            }
            try db.execute(
                sql: """
                    INSERT INTO access_tokens (token_hash, client_id, account_sid, nonce, issued_at,
                        expires_at, revoked)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    candidate.tokenHash, candidate.clientId, candidate.accountSid.rawValue,
                    candidate.nonce, candidate.issuedAt, candidate.expiresAt, candidate.revoked,
                ])
            return candidate
        }
    }

    func accessToken(hash: String) async throws -> AccessToken? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM access_tokens WHERE token_hash = ?", arguments: [hash])
                .map(Self.accessToken)
        }
    }

    func revokeAccessToken(hash: String, clientId: String) async throws {
        try await pool.measuredWrite { db in
            try db.execute(
                sql: "UPDATE access_tokens SET revoked = 1 WHERE token_hash = ? AND client_id = ?",
                arguments: [hash, clientId])
        }
    }

    func insertPermanentToken(_ token: PermanentToken) async throws {
        try await pool.measuredWrite { db in
            try db.execute(
                sql: """
                    INSERT INTO permanent_tokens (sid, account_sid, friendly_name, token_hash, date_created)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [
                    token.sid.rawValue, token.accountSid.rawValue, token.friendlyName, token.tokenHash,
                    token.dateCreated,
                ])
        }
    }

    func permanentToken(hash: String) async throws -> PermanentToken? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM permanent_tokens WHERE token_hash = ?", arguments: [hash])
                .map(Self.permanentToken)
        }
    }

    func permanentTokens(of account: AccountSid) async throws -> [PermanentToken] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM permanent_tokens WHERE account_sid = ? ORDER BY date_created, rowid",
                arguments: [account.rawValue]
            ).map(Self.permanentToken)
        }
    }

    func deletePermanentToken(_ sid: ApiTokenSid, account: AccountSid) async throws -> Bool {
        try await pool.measuredWrite { db in
            try db.execute(
                sql: "DELETE FROM permanent_tokens WHERE sid = ? AND account_sid = ?",
                arguments: [sid.rawValue, account.rawValue])
            return db.changesCount > 0
        }
    }

    static func key(_ row: Row) throws -> ApiKey {
        ApiKey(
            clientId: try row.text("client_id"), accountSid: try row.sid("account_sid"),
            friendlyName: try row.text("friendly_name"), secretHash: try row.text("secret_hash"),
            dateCreated: try row.date("date_created"))
    }

    static func accessToken(_ row: Row) throws -> AccessToken {
        AccessToken(
            tokenHash: try row.text("token_hash"), clientId: try row.text("client_id"),
            accountSid: try row.sid("account_sid"), nonce: try row.text("nonce"),
            issuedAt: try row.date("issued_at"), expiresAt: try row.date("expires_at"),
            revoked: try row.decode(Bool.self, forColumn: "revoked"))
    }

    static func permanentToken(_ row: Row) throws -> PermanentToken {
        PermanentToken(
            sid: try row.sid("sid"), accountSid: try row.sid("account_sid"),
            friendlyName: try row.text("friendly_name"), tokenHash: try row.text("token_hash"),
            dateCreated: try row.date("date_created"))
    }
}
