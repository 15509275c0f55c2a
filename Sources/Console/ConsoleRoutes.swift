import API
import Foundation
import Hummingbird
import Logging
import Store

/// The console under `/console`: sign-in, the pages and their forms, the live event stream and
/// the assets. Every page but sign-in needs a session; every form that changes something
/// carries the session's CSRF token.
public struct ConsoleRoutes: Sendable {
    let services: ConsoleServices
    let gate: ConsoleGate
    let pages = PageRenderer()
    let directory: UserDirectory
    /// Failed sign-ins per source and per e-mail address, as the API throttles its logins.
    let sourceThrottle: LoginThrottle
    let emailThrottle: LoginThrottle
    let logger = Logger(label: "parley.console")

    public init(services: ConsoleServices, sourceThrottle: LoginThrottle = LoginThrottle(), emailThrottle: LoginThrottle = LoginThrottle(limit: 100, window: 60)) {
        self.services = services
        self.gate = ConsoleGate(services: services)
        self.directory = UserDirectory(users: services.users, sessions: services.sessions)
        self.sourceThrottle = sourceThrottle
        self.emailThrottle = emailThrottle
    }

    public func register(on router: Router<ParleyRequestContext>) {
        let console = router.group("console")
        console.get("/") { _, _ in Response.redirect(to: "/console/dashboard", type: .found) }
        SignInPages(routes: self).register(on: console)
        ProfilePage(routes: self).register(on: console)
        DashboardPage(routes: self).register(on: console)
        NumberPages(routes: self).register(on: console)
        ApplicationPages(routes: self).register(on: console)
        ClientPages(routes: self).register(on: console)
        CallPages(routes: self).register(on: console)
        LogPages(routes: self).register(on: console)
        CredentialPages(routes: self).register(on: console)
        SettingsPage(routes: self).register(on: console)
        LiveEvents(routes: self).register(on: console)
        Assets.register(on: console)
        console.post("account") { request, _ in
            try await respond(request) {
                let form = try await request.formParameters()
                let visit = try await gate.visit(request, form: form)
                guard let sid = form.string("AccountSid").flatMap(AccountSid.init), visit.accounts.contains(where: { $0.sid == sid }) else {
                    throw APIError.notFound(form.string("AccountSid") ?? "")
                }
                var session = visit.session
                session.accountSid = sid
                try await services.sessions.update(session)
                return Response.redirect(to: "/console/dashboard", type: .normal)
            }
        }
    }

    /// Runs a page's handler and turns what it throws into a page: to sign-in without a
    /// session, a 403 for a forged form, a 404, and a 500 whose cause stays in the log.
    func respond(_ request: Request, _ handler: () async throws -> Response) async -> Response {
        do {
            return try await handler()
        } catch ConsoleGate.Refusal.signedOut {
            return Response.redirect(to: "/console/login", type: request.method == .get ? .found : .normal)
        } catch ConsoleGate.Refusal.awaitingCode {
            return Response.redirect(to: "/console/login/code", type: request.method == .get ? .found : .normal)
        } catch ConsoleGate.Refusal.forgedForm {
            return problem("This form has expired", "Reload the page and submit it again.", status: .forbidden)
        } catch ConsoleGate.Refusal.adminsOnly {
            return problem("Admins only", "Ask an admin of this account to do this.", status: .forbidden)
        } catch let error as APIError where error.status == .notFound {
            return problem("Not found", "There is no such page in this account.", status: .notFound)
        } catch {
            if let described = APIError.describing(error) {
                return problem("That did not work", described.message, status: described.status)
            }
            logger.error("console request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return problem("Something went wrong", "The error was logged; try again.", status: .internalServerError)
        }
    }

    func problem(_ title: String, _ detail: String, status: HTTPResponse.Status) -> Response {
        pages.page("error", ["title": title, "detail": detail], status: status)
    }

    /// What every signed-in page shows: the navigation, the account switcher, the CSRF token.
    func frame(_ visit: Visit, section: String, title: String) -> [String: Any] {
        [
            "title": title,
            "section": [section: true],
            "email": visit.user.email,
            "isAdmin": visit.isAdmin,
            "csrf": visit.session.csrfToken,
            "account": ["sid": visit.account.sid.rawValue, "name": visit.account.friendlyName],
            "switcher": visit.accounts.count > 1,
            "accounts": visit.accounts.map { account in
                ["sid": account.sid.rawValue, "name": account.friendlyName, "selected": account.sid == visit.account.sid] as [String: Any]
            },
        ]
    }
}
