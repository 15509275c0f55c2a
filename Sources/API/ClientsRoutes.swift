import Foundation
import Hummingbird
import SIP
import Store

/// Clients: the SIP softphones of an account. The password is write-only: it is hashed into
/// digest HA1 values for the SIP realm and never shown again.
struct ClientsRoutes {
    let accounts: any AccountRepository
    let applications: any ApplicationRepository
    let clients: any ClientRepository
    let registrar: Registrar
    let sipRealm: String
    var scope: AccountScope { AccountScope(accounts: accounts) }
    var editor: ClientEditor {
        ClientEditor(applications: applications, clients: clients, registrar: registrar, sipRealm: sipRealm)
    }

    func register(on group: RouterGroup<ParleyRequestContext>) {
        let list = "Accounts/{accountSid}/Clients"
        let item = "Accounts/{accountSid}/Clients/{sid}"
        group.get(RouterPath(list)) { request, context in try await self.list(request, context) }
        group.post(RouterPath(list)) { request, context in try await create(request, context) }
        group.get(RouterPath(item)) { _, context in
            let account = try await scope.resolve(context)
            return render(try await find(account, context), context: context)
        }
        group.update(item) { request, context in try await update(request, context) }
        group.get(RouterPath(item + "/Registrations")) { _, context in
            let account = try await scope.resolve(context)
            let client = try await find(account, context)
            let now = Date()
            let registrations = await registrar.registrations(of: client.sid)
            let page = ListPage(
                path: "/Accounts/\(account.sid)/Clients/\(client.sid)/Registrations", key: "registrations",
                listElement: "Registrations", itemElement: "Registration")
            let result = PageResult(items: registrations, total: registrations.count, request: PageRequest(size: PageRequest.maximumSize))
            return page.response(result, filters: [], context: context) { registration in
                .object([
                    "client_sid": .string(registration.clientSid.rawValue),
                    "login": .string(registration.login),
                    "contact": .string(registration.contact),
                    "user_agent": .text(registration.userAgent),
                    "source": .string(registration.source),
                    "expires": .integer(registration.expires(at: now)),
                    "date_created": .string(RFC2822Date.format(registration.registeredAt)),
                ])
            }
        }
        group.delete(RouterPath(item)) { _, context in
            let account = try await scope.resolve(context, access: .write)
            try await editor.delete(try context.sidParameter("sid"), in: account.sid)
            return ResourceResponse.noContent()
        }
    }

    private func list(_ request: Request, _ context: ParleyRequestContext) async throws -> Response {
        let account = try await scope.resolve(context)
        let query = try request.queryForm()
        let login = query.string("Login")
        let result = try await clients.list(
            account: account.sid, login: login, page: try query.pageRequest())
        let page = ListPage(
            path: "/Accounts/\(account.sid)/Clients", key: "clients", listElement: "Clients",
            itemElement: "Client")
        return page.response(result, filters: login.map { [("Login", $0)] } ?? [], context: context) {
            representation($0, context: context)
        }
    }

    private func create(_ request: Request, _ context: ParleyRequestContext) async throws -> Response {
        let account = try await scope.resolve(context, access: .write)
        let client = try await editor.create(in: account.sid, form: try await request.formParameters())
        return render(client, status: .created, context: context)
    }

    private func update(_ request: Request, _ context: ParleyRequestContext) async throws -> Response {
        let account = try await scope.resolve(context, access: .write)
        let client = try await editor.update(try await find(account, context), form: try await request.formParameters())
        return render(client, context: context)
    }

    private func find(_ account: Account, _ context: ParleyRequestContext) async throws -> Client {
        try await editor.find(try context.sidParameter("sid"), in: account.sid)
    }

    private func render(
        _ client: Client, status: HTTPResponse.Status = .ok, context: ParleyRequestContext
    ) -> Response {
        ResourceResponse.make(
            representation(client, context: context), element: "Client", status: status,
            context: context)
    }

    private func representation(_ client: Client, context: ParleyRequestContext) -> ResourceValue {
        .object([
            "sid": .string(client.sid.rawValue),
            "account_sid": .string(client.accountSid.rawValue),
            "api_version": .string(context.root.apiVersion),
            "friendly_name": .string(client.friendlyName),
            "login": .string(client.login),
            "password_algorithm": .string("digest-ha1"),
            "status": .string(String(client.status.rawValue)),
            "voice_url": .text(client.voiceUrl),
            "voice_method": .string(client.voiceMethod.rawValue),
            "voice_fallback_url": .text(client.voiceFallbackUrl),
            "voice_fallback_method": .string(client.voiceFallbackMethod.rawValue),
            "voice_application_sid": .text(client.voiceApplicationSid?.rawValue),
            "date_created": .string(RFC2822Date.format(client.dateCreated)),
            "date_updated": .string(RFC2822Date.format(client.dateUpdated)),
            "uri": .string(ResourceURI.item(client.accountSid, "Clients", client.sid, context)),
        ])
    }
}
