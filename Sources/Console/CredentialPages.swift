import API
import Foundation
import Hummingbird
import Store

/// API credentials, for admins: the AuthToken (rotated), OAuth2 key pairs and permanent tokens
/// (created, revoked), as on FlexIO's token dashboard. A new secret is on the answering page
/// only, never stored in clear, never shown again.
struct CredentialPages {
    let routes: ConsoleRoutes
    var api: APIServices { routes.services.api }
    var desk: CredentialDesk {
        CredentialDesk(accounts: api.accounts, credentials: api.credentials, sealer: api.tokenSealer, cache: api.accountCache)
    }

    func register(on console: RouterGroup<ParleyRequestContext>) {
        console.get("credentials") { request, _ in
            await routes.respond(request) { try await page(try await routes.gate.admin(request), secret: nil) }
        }
        console.post("credentials/auth-token") { request, _ in
            await routes.respond(request) {
                let visit = try await routes.gate.admin(request, form: try await request.formParameters())
                let token = try await desk.rotateAuthToken(of: visit.account)
                return try await page(visit, secret: ["label": "New AuthToken of \(visit.account.sid)", "value": token, "id": "new-auth-token"])
            }
        }
        console.post("credentials/keys") { request, _ in
            await routes.respond(request) {
                let form = try await request.formParameters()
                let visit = try await routes.gate.admin(request, form: form)
                let (key, secret) = try await desk.createKey(for: visit.account.sid, form: form)
                return try await page(visit, secret: ["label": "Client secret of \(key.clientId)", "value": secret, "id": "new-client-secret"])
            }
        }
        console.post("credentials/keys/{clientId}/delete") { request, context in
            await routes.respond(request) {
                let visit = try await routes.gate.admin(request, form: try await request.formParameters())
                try await desk.deleteKey(context.parameters.get("clientId") ?? "", of: visit.account.sid)
                return Response.redirect(to: "/console/credentials", type: .normal)
            }
        }
        console.post("credentials/tokens") { request, _ in
            await routes.respond(request) {
                let form = try await request.formParameters()
                let visit = try await routes.gate.admin(request, form: form)
                let (record, token) = try await desk.createToken(for: visit.account.sid, form: form)
                return try await page(visit, secret: ["label": "Permanent token \(record.friendlyName)", "value": token, "id": "new-token"])
            }
        }
        console.post("credentials/tokens/{sid}/delete") { request, context in
            await routes.respond(request) {
                let visit = try await routes.gate.admin(request, form: try await request.formParameters())
                guard let sid = context.parameters.get("sid").flatMap(ApiTokenSid.init) else { throw APIError.notFound("token") }
                try await desk.deleteToken(sid, of: visit.account.sid)
                return Response.redirect(to: "/console/credentials", type: .normal)
            }
        }
    }

    private func page(_ visit: Visit, secret: [String: String]?) async throws -> Response {
        var data = routes.frame(visit, section: "credentials", title: "API credentials")
        let account = visit.account.sid
        data["accountSid"] = account.rawValue
        data["secret"] = secret ?? false
        data["keys"] = try await api.credentials.keys(of: account).map { key in
            ["clientId": key.clientId, "name": key.friendlyName, "created": ConsoleFormat.time(key.dateCreated)]
        }
        data["tokens"] = try await api.credentials.permanentTokens(of: account).map { token in
            ["sid": token.sid.rawValue, "name": token.friendlyName, "created": ConsoleFormat.time(token.dateCreated)]
        }
        return routes.pages.page("credentials", data)
    }
}
