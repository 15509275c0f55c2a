import Store

/// One login attempt under the throttle, shared by Basic and bearer authentication: a source
/// over its limit is refused (429) before any check, a failure is counted (and logged once the
/// limit is reached), and only an active account gets through.
struct ThrottledLogin {
    let throttle: LoginThrottle

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
        guard account.status == .active else { throw APIError.inactiveAccount }
        return account
    }
}
