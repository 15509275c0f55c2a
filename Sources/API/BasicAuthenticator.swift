import Foundation
import Hummingbird
import Store

/// HTTP Basic authentication with AccountSid and AuthToken for every REST route.
/// Failed attempts are throttled per remote address and per account; nothing secret is logged.
struct BasicAuthenticator: RouterMiddleware {
    typealias Context = ParleyRequestContext

    let accounts: any AccountRepository
    let throttle: LoginThrottle
    /// Failures per account named; nil where the route needs none (the test clock).
    var accountThrottle: LoginThrottle?

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let login = ThrottledLogin(throttle: throttle, accountThrottle: accountThrottle, accounts: accounts)
        let account = try await login.account(
            for: context, presented: request.headers[.authorization] != nil, claimed: Self.claimedAccount(request), failure: .unauthenticated
        ) {
            try await authenticate(request)
        }
        var context = context
        context.authenticatedAccount = account
        return try await next(request, context)
    }

    /// The user name and password of the Authorization header.
    private static func credentials(_ request: Request) -> (user: Substring, password: Substring)? {
        guard let header = request.headers[.authorization],
            header.count > 6, header.prefix(6).lowercased() == "basic ",
            let decoded = Data(base64Encoded: String(header.dropFirst(6))),
            let credentials = String(data: decoded, encoding: .utf8),
            let colon = credentials.firstIndex(of: ":")
        else { return nil }
        return (credentials[..<colon], credentials[credentials.index(after: colon)...])
    }

    /// The account a request's credentials name, whether or not they are right.
    private static func claimedAccount(_ request: Request) -> String? {
        credentials(request).flatMap { AccountSid($0.user) }.map(\.rawValue)
    }

    private func authenticate(_ request: Request) async throws -> Account? {
        guard let (user, password) = Self.credentials(request), let sid = AccountSid(user) else { return nil }
        let token = String(password)
        guard let account = try await accounts.find(sid),
            SecretHash.matches(token, storedHash: account.authTokenHash)
        else { return nil }
        return account
    }
}
