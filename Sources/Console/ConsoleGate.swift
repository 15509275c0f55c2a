import API
import Foundation
import Hummingbird
import Store

/// Sessions in cookies, checked on every console request: the browser holds a random token
/// (`parley_session`, HttpOnly, SameSite=Lax, Secure under HTTPS, Path=/console), the server
/// keeps its hash with the user, the account shown and the session's CSRF token. Sessions
/// last 12 hours by the server's clock.
struct ConsoleGate: Sendable {
    static let cookieName = "parley_session"
    static let loginCookieName = "parley_login"
    static let lifetime: TimeInterval = 12 * 3600
    /// How long a half-made sign-in waits for its e-mailed code.
    static let codeLifetime: TimeInterval = 10 * 60

    let services: ConsoleServices

    /// Why a request was not let in.
    enum Refusal: Error {
        /// No live session: to the login page.
        case signedOut
        /// A change without the session's CSRF token.
        case forgedForm
        /// A member asking for what only admins may do.
        case adminsOnly
        /// A session whose password is proved but whose e-mailed code is not yet.
        case awaitingCode
    }

    /// Starts a session for `user` (always a new token: one planted before login is never used).
    func open(for user: ConsoleUser, pending: VerificationSid? = nil) async throws -> (token: String, session: ConsoleSession) {
        let now = services.api.clock.now()
        let token = RandomHex.string(byteCount: 32)
        let session = ConsoleSession(
            tokenHash: SecretHash.token(token), userSid: user.sid, accountSid: user.accountSid, csrfToken: RandomHex.string(byteCount: 16),
            pendingVerification: pending, dateCreated: now, expires: now.addingTimeInterval(pending == nil ? Self.lifetime : Self.codeLifetime))
        try await services.sessions.insert(session)
        return (token, session)
    }

    /// The session and user of a request, whether or not its sign-in is complete.
    func session(_ request: Request) async throws -> (ConsoleSession, ConsoleUser) {
        guard let token = request.cookies[Self.cookieName]?.value, !token.isEmpty,
            let session = try await services.sessions.find(tokenHash: SecretHash.token(token), at: services.api.clock.now()),
            let user = try await services.users.find(session.userSid)
        else { throw Refusal.signedOut }
        return (session, user)
    }

    /// The visit of a request's session; throws `.signedOut` without one, `.awaitingCode` while
    /// its sign-in waits for the e-mailed code.
    func visit(_ request: Request) async throws -> Visit {
        let (session, user) = try await self.session(request)
        guard session.pendingVerification == nil else { throw Refusal.awaitingCode }
        guard
            let home = try await services.api.accounts.find(user.accountSid), home.status == .active,
            try await services.api.accounts.standing(of: home.sid) == .active
        else { throw Refusal.signedOut }
        // The account itself first, then its sub-accounts.
        let accounts = try await services.api.accounts.family(of: home.sid, filter: AccountFilter(), page: PageRequest(size: PageRequest.maximumSize))
            .items.filter { $0.status != .closed }
        let account = accounts.first { $0.sid == session.accountSid } ?? home
        return Visit(user: user, session: session, account: account, accounts: accounts)
    }

    /// The visit of a form post, whose `csrf` field must be the session's token.
    func visit(_ request: Request, form: FormParameters) async throws -> Visit {
        let visit = try await visit(request)
        guard let presented = form.string("csrf"), SecretHash.constantTimeEquals(presented, visit.session.csrfToken) else {
            throw Refusal.forgedForm
        }
        return visit
    }

    /// The visit of an admin (of a form post, with its CSRF token checked, when `form` is given).
    func admin(_ request: Request, form: FormParameters? = nil) async throws -> Visit {
        let visit: Visit
        if let form { visit = try await self.visit(request, form: form) } else { visit = try await self.visit(request) }
        guard visit.isAdmin else { throw Refusal.adminsOnly }
        return visit
    }

    func sessionCookie(_ token: String) -> Cookie {
        Cookie(
            name: Self.cookieName, value: token, maxAge: Int(Self.lifetime), path: "/console", secure: services.secureCookies,
            httpOnly: true, sameSite: .lax)
    }

    func expiredCookie(_ name: String) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/console", secure: services.secureCookies, httpOnly: true, sameSite: .lax)
    }

    /// The login form's own CSRF defence before any session exists: a random value both in a
    /// cookie and in the form (double submit), which another site can neither read nor set.
    func loginCookie(_ value: String) -> Cookie {
        Cookie(name: Self.loginCookieName, value: value, maxAge: 3600, path: "/console", secure: services.secureCookies, httpOnly: true, sameSite: .strict)
    }
}
