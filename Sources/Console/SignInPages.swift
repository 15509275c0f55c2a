import API
import Foundation
import Hummingbird
import Messaging
import Store

/// Signing in and out, and setting a password from a one-time link.
struct SignInPages {
    let routes: ConsoleRoutes

    func register(on console: RouterGroup<ParleyRequestContext>) {
        console.get("login") { request, _ in
            if (try? await routes.gate.visit(request)) != nil { return Response.redirect(to: "/console/dashboard", type: .found) }
            return loginPage(email: "", error: "", status: .ok)
        }
        console.post("login") { request, context in await signIn(request, context) }
        console.get("login/code") { request, _ in
            await routes.respond(request) {
                let (session, user) = try await routes.gate.session(request)
                guard session.pendingVerification != nil else { return Response.redirect(to: "/console/dashboard", type: .found) }
                return codePage(session, user, error: "", status: .ok)
            }
        }
        console.post("login/code") { request, _ in await takeCode(request) }
        console.post("logout") { request, _ in
            await routes.respond(request) {
                let visit = try await routes.gate.visit(request, form: try await request.formParameters())
                try await routes.services.sessions.delete(tokenHash: visit.session.tokenHash)
                var response = Response.redirect(to: "/console/login", type: .normal)
                response.setCookie(routes.gate.expiredCookie(ConsoleGate.cookieName))
                return response
            }
        }
        console.get("password/{token}") { request, context in
            await routes.respond(request) {
                let token = context.parameters.get("token") ?? ""
                guard let user = try await routes.directory.user(forLink: token) else { return expiredLink() }
                return passwordPage(token: token, email: user.email, error: "", status: .ok)
            }
        }
        console.post("password/{token}") { request, context in
            await routes.respond(request) {
                let token = context.parameters.get("token") ?? ""
                guard let user = try await routes.directory.user(forLink: token) else { return expiredLink() }
                let form = try await request.formParameters()
                guard form.string("Password") == form.string("Confirm") else {
                    return passwordPage(token: token, email: user.email, error: "The two passwords differ", status: .badRequest)
                }
                do {
                    let user = try await routes.directory.setPassword(form.string("Password") ?? "", forLink: token)
                    return try await signedIn(user)
                } catch let error as APIError {
                    return passwordPage(token: token, email: user.email, error: error.message, status: .badRequest)
                }
            }
        }
    }

    private func signIn(_ request: Request, _ context: ParleyRequestContext) async -> Response {
        await routes.respond(request) {
            let form = try await request.formParameters()
            let email = (form.string("Email") ?? "").trimmingCharacters(in: .whitespaces)
            guard let presented = form.string("csrf"), let expected = request.cookies[ConsoleGate.loginCookieName]?.value,
                SecretHash.constantTimeEquals(presented, expected)
            else { throw ConsoleGate.Refusal.forgedForm }
            let source = context.remoteAddress
            let named = email.lowercased()
            guard routes.sourceThrottle.allows(source), routes.emailThrottle.allows(named) else {
                return loginPage(email: email, error: "Too many failed attempts. Wait a minute, then try again.", status: .tooManyRequests)
            }
            guard let user = try await routes.directory.authenticate(email: email, password: form.string("Password") ?? "") else {
                if routes.sourceThrottle.recordFailure(source) {
                    context.logger.warning("console sign-in attempts throttled", metadata: ["remote": "\(source)"])
                }
                if routes.emailThrottle.recordFailure(named) {
                    context.logger.warning("console sign-in attempts on one address throttled")
                }
                return loginPage(email: email, error: "Wrong e-mail address or password.", status: .unauthorized)
            }
            guard let service = user.twoStepService else { return try await signedIn(user) }
            // Two-step sign-in: a code by e-mail first; the session opens only the code page until then.
            let (verification, _) = try await routes.services.api.verify.start(
                account: user.accountSid, serviceSid: service, to: user.email, channel: "email", locale: nil,
                customFriendlyName: "Parley console", email: nil, source: source)
            let (token, _) = try await routes.gate.open(for: user, pending: verification.sid)
            var response = Response.redirect(to: "/console/login/code", type: .normal)
            response.setCookie(routes.gate.sessionCookie(token))
            response.setCookie(routes.gate.expiredCookie(ConsoleGate.loginCookieName))
            return response
        }
    }

    /// The second step: the code e-mailed to the user, checked by Verify; a right one replaces
    /// the half-made session with a full one (a new token), a wrong one may be tried again
    /// until Verify's checks run out.
    private func takeCode(_ request: Request) async -> Response {
        await routes.respond(request) {
            let (session, user) = try await routes.gate.session(request)
            guard let pending = session.pendingVerification, let service = user.twoStepService else { throw ConsoleGate.Refusal.signedOut }
            let form = try await request.formParameters()
            guard let presented = form.string("csrf"), SecretHash.constantTimeEquals(presented, session.csrfToken) else {
                throw ConsoleGate.Refusal.forgedForm
            }
            let valid: Bool
            do {
                valid = try await routes.services.api.verify.check(
                    account: user.accountSid, serviceSid: service, to: nil, verificationSid: pending, code: form.string("Code") ?? ""
                ).valid
            } catch is VerifyRefusal {
                try await routes.services.sessions.delete(tokenHash: session.tokenHash)
                return routes.problem("Sign in again", "The code has expired or was tried too often.", status: .unauthorized)
            }
            guard valid else { return codePage(session, user, error: "That code is not the one we sent.", status: .unauthorized) }
            try await routes.services.sessions.delete(tokenHash: session.tokenHash)
            return try await signedIn(user)
        }
    }

    private func codePage(_ session: ConsoleSession, _ user: ConsoleUser, error: String, status: HTTPResponse.Status) -> Response {
        routes.pages.page(
            "code", ["title": "Enter your code", "email": user.email, "csrf": session.csrfToken, "error": ConsoleFormat.shown(error)],
            status: status)
    }

    /// A new session for `user` (its cookie set, the sign-in cookie spent), then the dashboard.
    private func signedIn(_ user: ConsoleUser) async throws -> Response {
        let (token, _) = try await routes.gate.open(for: user)
        var response = Response.redirect(to: "/console/dashboard", type: .normal)
        response.setCookie(routes.gate.sessionCookie(token))
        response.setCookie(routes.gate.expiredCookie(ConsoleGate.loginCookieName))
        return response
    }

    private func loginPage(email: String, error: String, status: HTTPResponse.Status) -> Response {
        let csrf = RandomHex.string(byteCount: 16)
        var response = routes.pages.page("login", ["title": "Sign in", "email": email, "error": ConsoleFormat.shown(error), "csrf": csrf], status: status)
        response.setCookie(routes.gate.loginCookie(csrf))
        return response
    }

    private func passwordPage(token: String, email: String, error: String, status: HTTPResponse.Status) -> Response {
        routes.pages.page(
            "password",
            ["title": "Choose a password", "token": token, "email": email, "error": ConsoleFormat.shown(error), "minimum": UserDirectory.minimumPasswordLength],
            status: status)
    }

    private func expiredLink() -> Response {
        routes.problem("This link no longer works", "Set-password links work once, for a day. Ask an admin for a new one.", status: .notFound)
    }
}
