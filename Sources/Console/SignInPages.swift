import API
import Foundation
import Hummingbird
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
            return try await signedIn(user)
        }
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
