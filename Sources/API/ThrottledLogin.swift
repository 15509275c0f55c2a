import Store

/// One login attempt under the throttle, shared by Basic and bearer authentication: a source
/// over its limit is refused (429) before any check, a failure is counted (and logged once the
/// limit is reached), and only an active account (with active owners) gets through.
struct ThrottledLogin {
    let throttle: LoginThrottle
    let accounts: any AccountRepository

    func account(
        for context: ParleyRequestContext, failure: APIError, check: () async throws -> Account?
    ) async throws -> Account {
        guard throttle.allows(context.remoteAddress) else { throw APIError.tooManyAttempts }
        guard let account = try await check() else {
            if throttle.recordFailure(context.remoteAddress) {
                context.logger.warning("login attempts throttled", metadata: ["remote": "\(context.remoteAddress)"])
            }
            throw failure
        }
        // A sub-account of a suspended or closed owner is as inactive as its owner.
        guard account.status == .active, try await accounts.standing(of: account.sid) == .active else { throw APIError.inactiveAccount }
        return account
    }
}
