import Foundation
import Hummingbird
import Store

/// Bearer authentication for the Number Management API: an active OAuth2 access token
/// (from `POST /token`) or a permanent token. Failures count toward the login throttle.
struct BearerAuthenticator: RouterMiddleware {
    typealias Context = ParleyRequestContext

    let accounts: any AccountRepository
    let credentials: any CredentialRepository
    let clock: any WallClock
    let throttle: LoginThrottle

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let account = try await ThrottledLogin(throttle: throttle, accounts: accounts).account(
            for: context, presented: request.headers[.authorization] != nil, failure: .invalidBearerToken
        ) {
            try await authenticate(request)
        }
        var context = context
        context.authenticatedAccount = account
        return try await next(request, context)
    }

    private func authenticate(_ request: Request) async throws -> Account? {
        guard let header = request.headers[.authorization], header.count > 7,
            header.prefix(7).lowercased() == "bearer "
        else { return nil }
        let hash = SecretHash.token(String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces))
        if let token = try await credentials.accessToken(hash: hash), token.isActive(at: clock.now()) {
            return try await accounts.find(token.accountSid)
        }
        if let token = try await credentials.permanentToken(hash: hash) {
            return try await accounts.find(token.accountSid)
        }
        return nil
    }
}
