import Synchronization

/// Clients by login kept in memory in front of the database: every SIP REGISTER and every
/// call from a softphone looks its Client up, and a database read per request cost the
/// registrar about a tenth of its time. Every write goes through this repository and empties
/// the cache, so a changed password or a disabled Client takes effect at once. The cache
/// also remembers logins that do not exist, up to `capacity` entries (then it starts over),
/// so a dictionary attack with invented names cannot grow it without bound.
public final class CachedClientRepository: ClientRepository {
    private let base: any ClientRepository
    private let cache = Mutex(Cache())

    /// `generation` moves at every write: a read that started before a write must not store
    /// what it read.
    private struct Cache {
        var byLogin: [String: [Client]] = [:]
        var generation = 0
    }
    private let capacity: Int

    public init(_ base: any ClientRepository, capacity: Int = 50_000) {
        self.base = base
        self.capacity = capacity
    }

    public func withLogin(_ login: String) async throws -> [Client] {
        let (cached, generation) = cache.withLock { ($0.byLogin[login], $0.generation) }
        if let cached { return cached }
        let clients = try await base.withLogin(login)
        cache.withLock { cache in
            guard cache.generation == generation else { return }
            if cache.byLogin.count >= capacity { cache.byLogin.removeAll(keepingCapacity: true) }
            cache.byLogin[login] = clients
        }
        return clients
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
        cache.withLock { cache in
            cache.byLogin.removeAll()
            cache.generation += 1
        }
    }
}
