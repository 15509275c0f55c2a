import Foundation
import Store
import Testing

struct ConsoleRepositoryTests {
    @Test("an e-mail address names one user whatever its case; deleting a user ends their sessions")
    func usersAndSessions() async throws {
        let temporary = try TemporaryStore()
        let account = makeAccount()
        try await temporary.store.accounts.insert(account)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let user = ConsoleUser(
            sid: .generate(), accountSid: account.sid, email: "Ops@Example.com", role: .admin, dateCreated: now, dateUpdated: now)
        try await temporary.store.consoleUsers.insert(user)
        #expect(try await temporary.store.consoleUsers.find(email: "ops@example.COM") == user)
        var twin = user
        twin.sid = .generate()
        twin.email = "ops@example.com"
        await #expect(throws: StoreError.duplicate(field: "Email")) { try await temporary.store.consoleUsers.insert(twin) }

        let session = ConsoleSession(
            tokenHash: SecretHash.token("browser"), userSid: user.sid, accountSid: account.sid, csrfToken: "csrf", dateCreated: now,
            expires: now.addingTimeInterval(3600))
        try await temporary.store.consoleSessions.insert(session)
        #expect(try await temporary.store.consoleSessions.find(tokenHash: session.tokenHash, at: now) == session)
        #expect(try await temporary.store.consoleSessions.find(tokenHash: session.tokenHash, at: session.expires) == nil)
        #expect(try await temporary.store.consoleUsers.delete(user.sid, account: AccountSid.generate()) == false)
        #expect(try await temporary.store.consoleUsers.delete(user.sid, account: account.sid))
        #expect(try await temporary.store.consoleSessions.find(tokenHash: session.tokenHash, at: now) == nil)
    }

    @Test("a password hash verifies its own password only, and a malformed hash verifies nothing")
    func passwordHash() throws {
        let cheap = PasswordHash(logRounds: 10, blockSize: 8, parallelism: 1)
        let stored = try cheap.make("correct horse battery staple")
        #expect(stored.hasPrefix("scrypt$10$8$1$"))
        #expect(PasswordHash.verify("correct horse battery staple", against: stored))
        #expect(!PasswordHash.verify("correct horse battery stapler", against: stored))
        #expect(try cheap.make("correct horse battery staple") != stored)  // a fresh salt each time
        #expect(!PasswordHash.verify("x", against: "scrypt$40$8$1$AAAA$AAAA"))
        #expect(!PasswordHash.verify("x", against: "plain"))
    }
}
