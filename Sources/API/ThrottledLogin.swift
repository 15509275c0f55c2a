import Store

/// One login attempt under the throttles, shared by Basic and bearer authentication: a source
/// (an address, an IPv6 /64) or a named account over its limit is refused (429) before any
/// check, a failure is counted against both (and logged once a limit is reached), and only an
/// active account (with active owners) gets through. A request that presents no credentials
/// at all is refused without counting: it guesses nothing. The account's limit is higher: guessing
/// from many addresses slows down without one source locking the account's owner out at once.
struct ThrottledLogin {
    let throttle: LoginThrottle
    var accountThrottle: LoginThrottle?
    let accounts: any AccountRepository

    /// - Parameters:
    ///   - presented: whether the request carries credentials (an Authorization header).
    ///   - claimed: the account the credentials name (a Basic user name), if any.
    func account(
        for context: ParleyRequestContext, presented: Bool, claimed: String? = nil, failure: APIError,
        check: () async throws -> Account?
    ) async throws -> Account {
        let named = claimed.flatMap { claimed in accountThrottle.map { (claimed, $0) } }
        guard throttle.allows(context.remoteAddress), named.map({ $1.allows($0) }) ?? true else { throw APIError.tooManyAttempts }
        guard let account = try await check() else {
            guard presented else { throw failure }
            if throttle.recordFailure(context.remoteAddress) {
                context.logger.warning("login attempts throttled", metadata: ["remote": "\(context.remoteAddress)"])
            }
            if let (claimed, accountThrottle) = named, accountThrottle.recordFailure(claimed) {
                context.logger.warning("login attempts on one account throttled", metadata: ["account": "\(claimed)"])
            }
            throw failure
        }
        // A sub-account of a suspended or closed owner is as inactive as its owner.
        guard account.status == .active, try await accounts.standing(of: account.sid) == .active else { throw APIError.inactiveAccount }
        return account
    }
}
