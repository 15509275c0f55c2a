import API
import Foundation
import Hummingbird
import Store

/// Settings, for admins: the account's name, its sub-accounts (a new one's AuthToken shown
/// once) and its console users (invited by a set-password link, e-mailed when a relay is
/// configured, else shown once here).
struct SettingsPage {
    let routes: ConsoleRoutes
    var api: APIServices { routes.services.api }

    func register(on console: RouterGroup<ParleyRequestContext>) {
        console.get("settings") { request, _ in
            await routes.respond(request) { try await page(try await routes.gate.admin(request), notice: nil) }
        }
        console.post("settings/name") { request, _ in
            await routes.respond(request) {
                let form = try await request.formParameters()
                let visit = try await routes.gate.admin(request, form: form)
                var account = visit.account
                guard let name = try form.text("FriendlyName", maxLength: 64), !name.isEmpty else { throw APIError.missingParameter("FriendlyName") }
                account.friendlyName = name
                account.dateUpdated = Date()
                try await api.accounts.update(account)
                api.accountCache?.forget()
                return Response.redirect(to: "/console/settings", type: .normal)
            }
        }
        console.post("settings/subaccounts") { request, _ in
            await routes.respond(request) {
                let form = try await request.formParameters()
                let visit = try await routes.gate.admin(request, form: form)
                let (account, token) = try await AccountEditor(accounts: api.accounts, sealer: api.tokenSealer).createSubaccount(of: visit.account, form: form)
                // Drawn for a fresh visit, whose switcher knows the new sub-account.
                return try await page(try await routes.gate.visit(request), notice: ["text": "Sub-account \(account.friendlyName) created: \(account.sid). Its AuthToken, shown once:", "secret": token, "id": "new-subaccount-token"])
            }
        }
        console.post("settings/users") { request, _ in
            await routes.respond(request) {
                let form = try await request.formParameters()
                let visit = try await routes.gate.admin(request, form: form)
                do {
                    let (user, link) = try await api.users.invite(in: visit.account.sid, form: form, linkBase: api.publicURL, mail: api.email)
                    let notice: [String: Any] = link.map { ["text": "\(user.email) can set a password with this link (once, for a day):", "secret": $0, "id": "new-user-link"] }
                        ?? ["text": "A set-password link was e-mailed to \(user.email).", "secret": false, "id": "new-user-link"]
                    return try await page(visit, notice: notice)
                } catch {
                    guard let described = APIError.describing(error) else { throw error }
                    return try await page(visit, notice: nil, userError: described.message, status: described.status)
                }
            }
        }
        console.post("settings/users/{sid}/delete") { request, context in
            await routes.respond(request) {
                let visit = try await routes.gate.admin(request, form: try await request.formParameters())
                guard let sid = context.parameters.get("sid").flatMap(ConsoleUserSid.init), sid != visit.user.sid else {
                    throw APIError.invalidParameter("User", "you cannot remove yourself")
                }
                guard try await api.users.users.delete(sid, account: visit.account.sid) else { throw APIError.notFound(sid.rawValue) }
                return Response.redirect(to: "/console/settings", type: .normal)
            }
        }
    }

    private func page(_ visit: Visit, notice: [String: Any]?, userError: String = "", status: HTTPResponse.Status = .ok) async throws -> Response {
        var data = routes.frame(visit, section: "settings", title: "Settings")
        data["accountName"] = visit.account.friendlyName
        data["accountSid"] = visit.account.sid.rawValue
        data["notice"] = notice ?? false
        data["userError"] = ConsoleFormat.shown(userError)
        data["topLevel"] = visit.account.ownerSid == nil
        data["subaccounts"] = visit.accounts.filter { $0.ownerSid == visit.account.sid }.map { account in
            ["sid": account.sid.rawValue, "name": account.friendlyName, "status": account.status.rawValue]
        }
        data["users"] = try await api.users.users.list(account: visit.account.sid).map { user in
            [
                "sid": user.sid.rawValue, "email": user.email, "role": user.role.rawValue, "pending": user.passwordHash == nil,
                "me": user.sid == visit.user.sid,
            ] as [String: Any]
        }
        return routes.pages.page("settings", data, status: status)
    }
}
