import Foundation
import Hummingbird
import Store

/// HTTP Basic authentication with AccountSid and AuthToken for every REST route.
/// Failed attempts are throttled per remote address; nothing secret is logged.
struct BasicAuthenticator: RouterMiddleware {
    typealias Context = ParleyRequestContext

    let accounts: any AccountRepository
    let throttle: LoginThrottle

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let account = try await ThrottledLogin(throttle: throttle, accounts: accounts).account(for: context, failure: .unauthenticated) {
            try await authenticate(request)
        }
        var context = context
        context.authenticatedAccount = account
        return try await next(request, context)
    }

    private func authenticate(_ request: Request) async throws -> Account? {
        guard let header = request.headers[.authorization],
            header.count > 6, header.prefix(6).lowercased() == "basic ",
            let decoded = Data(base64Encoded: String(header.dropFirst(6))),
            let credentials = String(data: decoded, encoding: .utf8),
            let colon = credentials.firstIndex(of: ":"),
            let sid = AccountSid(credentials[..<colon])
        else { return nil }
        let token = String(credentials[credentials.index(after: colon)...])
        guard let account = try await accounts.find(sid),
            SecretHash.matches(token, storedHash: account.authTokenHash)
        else { return nil }
        return account
    }
}
