/// Accounts by SID kept in memory in front of the database, for the SIP and call paths: every
/// registration and call checks its account's standing and limits, and a database read each
/// time cost the registrar a quarter of its rate. Every write through this repository, and
/// `forget()` (called when the API changes an account), empties the cache at once; an entry
/// also lapses after `lifetime`, so a change made by another process (`parley accounts
/// set-status`) takes effect within it. The API reads accounts uncached: a rotated token is
/// refused at once.
public final class CachedAccountRepository: AccountRepository {
    private let base: any AccountRepository
    private let cache: InvalidatingCache<AccountSid, Account?>

    public init(_ base: any AccountRepository, lifetime: Duration = .seconds(10), capacity: Int = 100_000) {
        self.base = base
        cache = InvalidatingCache(capacity: capacity, lifetime: lifetime)
    }

    public func find(_ sid: AccountSid) async throws -> Account? {
        try await cache.value(for: sid) { try await base.find(sid) }
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
        cache.invalidate()
    }
}
