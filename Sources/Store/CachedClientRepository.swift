/// Clients by login kept in memory in front of the database: every SIP REGISTER and every
/// call from a softphone looks its Client up, and a database read per request cost the
/// registrar about a tenth of its time. Every write goes through this repository and empties
/// the cache, so a changed password or a disabled Client takes effect at once. The cache
/// also remembers logins that do not exist, up to `capacity` entries (then it starts over),
/// so a dictionary attack with invented names cannot grow it without bound.
public final class CachedClientRepository: ClientRepository {
    private let base: any ClientRepository
    private let cache: InvalidatingCache<String, [Client]>

    public init(_ base: any ClientRepository, capacity: Int = 50_000) {
        self.base = base
        cache = InvalidatingCache(capacity: capacity)
    }

    public func withLogin(_ login: String) async throws -> [Client] {
        try await cache.value(for: login) { try await base.withLogin(login) }
    }

    public func insert(_ client: Client) async throws {
        invalidate()
        defer { invalidate() }
        try await base.insert(client)
    }

    public func update(_ client: Client) async throws {
        invalidate()
        defer { invalidate() }
        try await base.update(client)
    }

    public func delete(_ sid: ClientSid, account: AccountSid) async throws -> Bool {
        invalidate()
        defer { invalidate() }
        return try await base.delete(sid, account: account)
    }

    public func find(_ sid: ClientSid, account: AccountSid) async throws -> Client? {
        try await base.find(sid, account: account)
    }

    public func list(account: AccountSid, login: String?, page: PageRequest) async throws -> PageResult<Client> {
        try await base.list(account: account, login: login, page: page)
    }

    private func invalidate() {
        cache.invalidate()
    }
}
