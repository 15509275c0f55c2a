import Foundation
import GRDB

/// Parley's embedded storage: one SQLite file in WAL mode under the data directory.
///
/// Every write commits before the call returns; with WAL and `synchronous=NORMAL` a committed
/// transaction survives the process being killed (`kill -9`); only a power loss can take the
/// last commits. Nothing above this type sees SQL.
public final class SQLiteStore: Sendable {
    public let accounts: any AccountRepository
    public let applications: any ApplicationRepository
    public let clients: any ClientRepository
    public let notifications: any NotificationRepository
    public let numbers: any NumberRepository
    public let credentials: any CredentialRepository
    public let calls: any CallRepository
    public let recordings: any RecordingRepository
    public let conferences: any ConferenceRepository
    public let queues: any QueueRepository
    public let messages: any MessageRepository
    public let emails: any EmailRepository
    public let verifications: any VerificationRepository
    public let consoleUsers: any ConsoleUserRepository
    public let consoleSessions: any ConsoleSessionRepository

    private let pool: DatabasePool

    /// Opens (creating if needed) `path` and brings its schema up to date.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        try StoreMigrations.migrator.migrate(pool)
        accounts = SQLiteAccountRepository(pool: pool)
        applications = SQLiteApplicationRepository(pool: pool)
        clients = CachedClientRepository(SQLiteClientRepository(pool: pool))
        notifications = SQLiteNotificationRepository(pool: pool)
        numbers = SQLiteNumberRepository(pool: pool)
        credentials = SQLiteCredentialRepository(pool: pool)
        calls = SQLiteCallRepository(pool: pool)
        recordings = SQLiteRecordingRepository(pool: pool)
        conferences = SQLiteConferenceRepository(pool: pool)
        queues = SQLiteQueueRepository(pool: pool)
        messages = SQLiteMessageRepository(pool: pool)
        emails = SQLiteEmailRepository(pool: pool)
        verifications = SQLiteVerificationRepository(pool: pool)
        consoleUsers = SQLiteConsoleUserRepository(pool: pool)
        consoleSessions = SQLiteConsoleSessionRepository(pool: pool)
    }

    /// Copies the database at `source` to a new file at `destination` with SQLite's online
    /// backup: one consistent snapshot (every transaction committed before it, none after)
    /// while other connections, a running server's included, go on writing. The source is
    /// opened read-only: a backup, or a live database, is never migrated or written by a copy.
    public static func copy(from source: String, to destination: String) throws {
        var readOnly = Configuration()
        readOnly.readonly = true
        readOnly.busyMode = .timeout(5)
        let original = try DatabaseQueue(path: source, configuration: readOnly)
        let copy = try DatabaseQueue(path: destination)
        try original.backup(to: copy)
        try copy.close()
        try original.close()
    }

    /// The journal mode SQLite actually runs with (`wal` expected).
    public func journalMode() throws -> String {
        try pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// The names of the migrations applied to the file, in order.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try StoreMigrations.migrator.appliedMigrations(db) }
    }
}
