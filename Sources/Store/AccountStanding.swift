/// What an account may do, its owner's status included: a suspended or closed parent
/// suspends or closes its sub-accounts too, so suspending a customer stops all of it.
extension AccountRepository {
    /// The governing status of `sid` (nil when no such account): closed if it or an owner is
    /// closed, else suspended if it or an owner is suspended, else active.
    public func standing(of sid: AccountSid) async throws -> AccountStatus? {
        guard var account = try await find(sid) else { return nil }
        var worst = account.status
        // Owners are walked up a few levels at most: sub-accounts are made one level down.
        for _ in 0..<4 {
            guard let owner = account.ownerSid, let parent = try await find(owner) else { break }
            if parent.status == .closed || (parent.status == .suspended && worst == .active) { worst = parent.status }
            account = parent
        }
        return worst
    }
}
