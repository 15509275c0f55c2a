import Foundation
import Testing

@testable import Store

/// A store in a fresh temporary directory, removed when the test ends.
final class TemporaryStore {
    let directory: URL
    let store: SQLiteStore
    var path: String { directory.appendingPathComponent("parley.sqlite").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("parley-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteStore(path: directory.appendingPathComponent("parley.sqlite").path)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Every byte SQLite wrote: the database, its WAL and shared-memory files.
    func storedBytes() throws -> Data {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).reduce(into: Data()) {
            bytes, name in
            bytes.append(try Data(contentsOf: directory.appendingPathComponent(name)))
        }
    }
}

func makeAccount(owner: AccountSid? = nil, token: String = "token") -> Account {
    let now = Date()
    return Account(
        sid: .generate(), ownerSid: owner, friendlyName: "acct", status: .active, role: .user,
        authTokenHash: SecretHash.token(token), dateCreated: now, dateUpdated: now)
}

func makeApplication(_ account: AccountSid, name: String) -> Application {
    let now = Date()
    return Application(
        sid: .generate(), accountSid: account, friendlyName: name, voiceUrl: "https://e.test/a",
        dateCreated: now, dateUpdated: now)
}

@Suite("SQLite store")
struct SQLiteStoreTests {
    @Test("a new file runs in WAL mode with every migration applied, and reopening is harmless")
    func migrations() throws {
        let temporary = try TemporaryStore()
        #expect(try temporary.store.journalMode() == "wal")
        let all = [
            "v1-accounts-applications-clients-notifications", "v2-numbers-and-api-credentials",
            "v3-clients-by-login", "v4-calls", "v5-sealed-auth-tokens", "v6-recordings", "v7-conferences", "v8-queues", "v9-call-quality",
            "v10-conference-recordings", "v11-account-limits", "v12-messages", "v13-emails", "v14-verify",
            "v15-verifications-by-destination", "v16-sms-fallback", "v17-incoming-message-parts", "v18-console",
        ]
        #expect(try temporary.store.appliedMigrations() == all)
        let reopened = try SQLiteStore(path: temporary.path)
        #expect(try reopened.appliedMigrations() == all)
    }

    @Test("a committed write is visible to a second, independent connection")
    func durability() async throws {
        let temporary = try TemporaryStore()
        let account = makeAccount()
        try await temporary.store.accounts.insert(account)
        let application = makeApplication(account.sid, name: "durable")
        try await temporary.store.applications.insert(application)
        let other = try SQLiteStore(path: temporary.path)
        let found = try #require(try await other.accounts.find(account.sid))
        #expect(found.authTokenHash == account.authTokenHash && found.status == .active)
        #expect(abs(found.dateCreated.timeIntervalSince(account.dateCreated)) < 0.002)
        #expect(try await other.applications.find(application.sid, account: account.sid)?.friendlyName == "durable")
    }

    @Test("tokens and client passwords never reach the file in clear")
    func secretsHashed() async throws {
        let temporary = try TemporaryStore()
        let account = makeAccount(token: "TOKEN-in-clear-0123456789")
        try await temporary.store.accounts.insert(account)
        let now = Date()
        try await temporary.store.clients.insert(
            Client(
                sid: .generate(), accountSid: account.sid, login: "alice", friendlyName: "Alice",
                credentials: DigestCredentials(login: "alice", realm: "parley", password: "PASSWORD-in-clear-42"),
                dateCreated: now, dateUpdated: now))
        let bytes = try temporary.storedBytes()
        #expect(bytes.range(of: Data("TOKEN-in-clear-0123456789".utf8)) == nil)
        #expect(bytes.range(of: Data("PASSWORD-in-clear-42".utf8)) == nil)
        #expect(bytes.range(of: Data(SecretHash.ha1MD5(login: "alice", realm: "parley", password: "PASSWORD-in-clear-42").utf8)) != nil)
    }

    @Test("clients looked up by login see every write at once through the cache")
    func clientCacheFollowsWrites() async throws {
        let temporary = try TemporaryStore()
        let account = makeAccount()
        try await temporary.store.accounts.insert(account)
        let clients = temporary.store.clients
        #expect(try await clients.withLogin("bob").isEmpty)  // an unknown login is remembered too
        let now = Date()
        var bob = Client(
            sid: .generate(), accountSid: account.sid, login: "bob", friendlyName: "Bob",
            credentials: DigestCredentials(login: "bob", realm: "parley", password: "first-Password-1"),
            dateCreated: now, dateUpdated: now)
        try await clients.insert(bob)
        #expect(try await clients.withLogin("bob").map(\.sid) == [bob.sid])
        bob.status = .disabled
        bob.credentials = DigestCredentials(login: "bob", realm: "parley", password: "second-Password-2")
        try await clients.update(bob)
        let seen = try await clients.withLogin("bob")
        #expect(seen.first?.status == .disabled && seen.first?.credentials == bob.credentials)
        #expect(try await clients.delete(bob.sid, account: account.sid))
        #expect(try await clients.withLogin("bob").isEmpty)
    }

    @Test("applications are scoped to their account and paged in creation order")
    func applicationsScopedAndPaged() async throws {
        let temporary = try TemporaryStore()
        let owner = makeAccount()
        let stranger = makeAccount()
        try await temporary.store.accounts.insert(owner)
        try await temporary.store.accounts.insert(stranger)
        var made: [ApplicationSid] = []
        for index in 0..<5 {
            let application = makeApplication(owner.sid, name: "app-\(index)")
            try await temporary.store.applications.insert(application)
            made.append(application.sid)
        }
        let second = try await temporary.store.applications.list(
            account: owner.sid, friendlyName: nil, page: PageRequest(page: 1, size: 2))
        #expect(second.items.map(\.sid) == Array(made[2..<4]))
        #expect(second.total == 5)
        #expect(second.lastPage == 2)
        #expect(try await temporary.store.applications.find(made[0], account: stranger.sid) == nil)
        #expect(try await temporary.store.applications.delete(made[0], account: stranger.sid) == false)
        #expect(try await temporary.store.applications.delete(made[0], account: owner.sid) == true)
        let named = try await temporary.store.applications.list(
            account: owner.sid, friendlyName: "app-3", page: PageRequest())
        #expect(named.items.map(\.sid) == [made[3]])
    }

    @Test("a login is unique within an account but may repeat across accounts")
    func uniqueLogins() async throws {
        let temporary = try TemporaryStore()
        let first = makeAccount()
        let second = makeAccount()
        try await temporary.store.accounts.insert(first)
        try await temporary.store.accounts.insert(second)
        func client(_ account: AccountSid) -> Client {
            let now = Date()
            return Client(
                sid: .generate(), accountSid: account, login: "bob", friendlyName: "Bob",
                credentials: DigestCredentials(login: "bob", realm: "parley", password: "pw123456"),
                dateCreated: now, dateUpdated: now)
        }
        try await temporary.store.clients.insert(client(first.sid))
        try await temporary.store.clients.insert(client(second.sid))
        await #expect(throws: StoreError.duplicate(field: "Login")) {
            try await temporary.store.clients.insert(client(first.sid))
        }
    }

    @Test("the family of an account is itself then its sub-accounts")
    func accountFamily() async throws {
        let temporary = try TemporaryStore()
        let parent = makeAccount()
        try await temporary.store.accounts.insert(parent)
        let child = makeAccount(owner: parent.sid)
        try await temporary.store.accounts.insert(child)
        try await temporary.store.accounts.insert(makeAccount())
        let family = try await temporary.store.accounts.family(
            of: parent.sid, filter: AccountFilter(), page: PageRequest())
        #expect(family.items.map(\.sid) == [parent.sid, child.sid])
        #expect(parent.governs(child) && !child.governs(parent))
    }

    @Test("notifications list newest first and filter by level and call")
    func notifications() async throws {
        let temporary = try TemporaryStore()
        let account = makeAccount()
        try await temporary.store.accounts.insert(account)
        let call = CallSid.generate()
        for (index, level) in [NotificationLevel.error, .warning, .error].enumerated() {
            let date = Date(timeIntervalSince1970: 1_700_000_000 + Double(index))
            try await temporary.store.notifications.insert(
                NotificationEntry(
                    sid: .generate(), accountSid: account.sid, callSid: index == 2 ? call : nil,
                    level: level, errorCode: 11200 + index, moreInfo: "https://e.test",
                    messageText: "m\(index)", messageDate: date, dateCreated: date))
        }
        let all = try await temporary.store.notifications.list(
            account: account.sid, filter: NotificationFilter(), page: PageRequest())
        #expect(all.items.map(\.errorCode) == [11202, 11201, 11200])
        let errors = try await temporary.store.notifications.list(
            account: account.sid, filter: NotificationFilter(level: .error), page: PageRequest())
        #expect(errors.items.map(\.errorCode) == [11202, 11200])
        let forCall = try await temporary.store.notifications.list(
            account: account.sid, filter: NotificationFilter(callSid: call), page: PageRequest())
        #expect(forCall.items.map(\.errorCode) == [11202])
    }
}
