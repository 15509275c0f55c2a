import Synchronization

/// Accounts by SID kept in memory in front of the database, for the SIP and call paths: every
/// registration and call checks its account's standing and limits, and a database read each
/// time cost the registrar a quarter of its rate. Every write through this repository, and
/// `forget()` (called when the API changes an account), empties the cache at once; an entry
/// also lapses after `lifetime`, so a change made by another process (`parley accounts
/// set-status`) takes effect within it. The API reads accounts uncached: a rotated token is
/// refused at once.
public final class CachedAccountRepository: AccountRepository {
    private let base: any AccountRepository
    private let lifetime: Duration
    private let capacity: Int
    private let cache = Mutex(Cache())

    /// `generation` moves at every write: a read that started before a write must not store
    /// what it read.
    private struct Cache {
        var bySid: [AccountSid: (account: Account?, read: ContinuousClock.Instant)] = [:]
        var generation = 0
    }

    public init(_ base: any AccountRepository, lifetime: Duration = .seconds(10), capacity: Int = 100_000) {
        self.base = base
        self.lifetime = lifetime
        self.capacity = capacity
    }

    public func find(_ sid: AccountSid) async throws -> Account? {
        let now = ContinuousClock.now
        let (cached, generation) = cache.withLock { ($0.bySid[sid], $0.generation) }
        if let cached, now - cached.read < lifetime { return cached.account }
        let account = try await base.find(sid)
        cache.withLock { cache in
            guard cache.generation == generation else { return }
            if cache.bySid.count >= capacity { cache.bySid.removeAll(keepingCapacity: true) }
            cache.bySid[sid] = (account, now)
        }
        return account
    }

    public func insert(_ account: Account) async throws {
        invalidate()
        defer { invalidate() }
        try await base.insert(account)
    }

    public func update(_ account: Account) async throws {
        invalidate()
        defer { invalidate() }
        try await base.update(account)
    }

    public func family(of sid: AccountSid, filter: AccountFilter, page: PageRequest) async throws -> PageResult<Account> {
        try await base.family(of: sid, filter: filter, page: page)
    }

    public func all() async throws -> [Account] {
        try await base.all()
    }

    /// Drops everything read so far: an account changed elsewhere.
    public func forget() {
        invalidate()
    }

    private func invalidate() {
        cache.withLock { cache in
            cache.bySid.removeAll(keepingCapacity: true)
            cache.generation += 1
        }
    }
}
