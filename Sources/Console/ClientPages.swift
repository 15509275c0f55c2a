import API
import Foundation
import Hummingbird
import SIP
import Store

/// Clients (SIP softphones): list with where each is registered, create with a chosen or
/// generated password, edit, disable, delete. Forms go through the API's `ClientEditor`.
struct ClientPages {
    let routes: ConsoleRoutes
    var api: APIServices { routes.services.api }
    var editor: ClientEditor {
        ClientEditor(applications: api.applications, clients: api.clients, registrar: api.registrar, sipRealm: api.sipRealm)
    }

    func register(on console: RouterGroup<ParleyRequestContext>) {
        console.get("clients") { request, _ in
            await routes.respond(request) {
                let visit = try await routes.gate.visit(request)
                return try await listPage(visit, state: Self.createForm(), status: .ok)
            }
        }
        console.post("clients") { request, _ in
            await routes.respond(request) {
                var form = try await request.formParameters()
                let visit = try await routes.gate.visit(request, form: form)
                // An empty password asks Parley for one: shown once, on the next page.
                let generated = (form.string("Password") ?? "").isEmpty ? Self.generatedPassword() : nil
                if let generated { form = form.setting("Password", to: generated) }
                do {
                    let client = try await editor.create(in: visit.account.sid, form: form)
                    return try await clientPage(visit, client: client, state: try await editForm(client), status: .created, generated: generated)
                } catch {
                    guard let described = APIError.describing(error) else { throw error }
                    var state = Self.createForm()
                    state.keep(form)
                    state.refuse(described)
                    return try await listPage(visit, state: state, status: described.status)
                }
            }
        }
        console.get("clients/{sid}") { request, context in
            await routes.respond(request) {
                let visit = try await routes.gate.visit(request)
                let client = try await find(context, visit)
                return try await clientPage(visit, client: client, state: try await editForm(client), status: .ok, saved: request.uri.query == "saved=1")
            }
        }
        console.post("clients/{sid}") { request, context in
            await routes.respond(request) {
                var form = try await request.formParameters()
                let visit = try await routes.gate.visit(request, form: form)
                let client = try await find(context, visit)
                // A blank password field keeps the password.
                if form.string("Password") == "" { form = form.setting("Password", to: nil) }
                do {
                    _ = try await editor.update(client, form: form)
                    return Response.redirect(to: "/console/clients/\(client.sid)?saved=1", type: .normal)
                } catch {
                    guard let described = APIError.describing(error) else { throw error }
                    var state = try await editForm(client)
                    state.keep(form)
                    state.refuse(described)
                    return try await clientPage(visit, client: client, state: state, status: described.status)
                }
            }
        }
        console.post("clients/{sid}/delete") { request, context in
            await routes.respond(request) {
                let visit = try await routes.gate.visit(request, form: try await request.formParameters())
                try await editor.delete(try await find(context, visit).sid, in: visit.account.sid)
                return Response.redirect(to: "/console/clients", type: .normal)
            }
        }
    }

    /// The Clients of the account with their registrations, as the list page and the live view draw them.
    func rows(of account: AccountSid) async throws -> [[String: Any]] {
        let clients = try await api.clients.list(account: account, login: nil, page: PageRequest(size: PageRequest.maximumSize)).items
        var rows: [[String: Any]] = []
        for client in clients {
            rows.append(
                [
                    "sid": client.sid.rawValue, "login": client.login, "name": client.friendlyName,
                    "disabled": client.status == .disabled,
                ].merging(Self.registrationSummary(await api.registrar.registrations(of: client.sid))) { $1 })
        }
        return rows
    }

    static func registrationSummary(_ registrations: [Registration]) -> [String: Any] {
        let now = Date()
        return [
            "registered": !registrations.isEmpty,
            "contacts": registrations.count,
            "status": registrationStatus(registrations, now: now),
            "registrations": registrations.map { registration in
                [
                    "contact": registration.contact, "userAgent": registration.userAgent ?? "",
                    "transport": registration.source.split(separator: ":").first.map { $0.uppercased() } ?? "",
                    "source": registration.source, "expires": registration.expires(at: now),
                ] as [String: Any]
            },
        ]
    }

    /// One line saying where a Client is registered: the list page and the live view both use it.
    static func registrationStatus(_ registrations: [Registration], now: Date = Date()) -> String {
        guard let newest = registrations.max(by: { $0.registeredAt < $1.registeredAt }) else { return "Not registered" }
        let transport = newest.source.split(separator: ":").first.map { $0.uppercased() } ?? ""
        let contacts = registrations.count == 1 ? "1 contact" : "\(registrations.count) contacts"
        return ["Registered", contacts, transport, newest.userAgent ?? "", "expires in \(newest.expires(at: now)) s"]
            .filter { !$0.isEmpty }.joined(separator: " · ")
    }

    private func listPage(_ visit: Visit, state: FormState, status: HTTPResponse.Status) async throws -> Response {
        var data = routes.frame(visit, section: "clients", title: "Clients")
        let rows = try await rows(of: visit.account.sid)
        data["clients"] = rows
        data["empty"] = rows.isEmpty
        data["fields"] = state.rendered
        data["formError"] = state.formError
        data["realm"] = api.sipRealm
        return routes.pages.page("clients", data, status: status)
    }

    private func clientPage(
        _ visit: Visit, client: Client, state: FormState, status: HTTPResponse.Status, generated: String? = nil, saved: Bool = false
    ) async throws -> Response {
        var data = routes.frame(visit, section: "clients", title: client.friendlyName)
        data["client"] = ["sid": client.sid.rawValue, "login": client.login, "name": client.friendlyName]
            .merging(Self.registrationSummary(await api.registrar.registrations(of: client.sid))) { $1 }
        data["generated"] = ConsoleFormat.shown(generated ?? "")
        data["saved"] = saved
        data["fields"] = state.rendered
        data["formError"] = state.formError
        data["realm"] = api.sipRealm
        return routes.pages.page("client", data, status: status)
    }

    private func find(_ context: ParleyRequestContext, _ visit: Visit) async throws -> Client {
        guard let sid = context.parameters.get("sid").flatMap(ClientSid.init) else { throw APIError.notFound("client") }
        return try await editor.find(sid, in: visit.account.sid)
    }

    private static func createForm() -> FormState {
        FormState(fields: [
            .init(name: "Login", label: "Login", required: true, hint: "The SIP user name, e.g. alice."),
            .init(name: "FriendlyName", label: "Name"),
            .init(
                name: "Password", label: "Password", type: "password", autocomplete: "new-password",
                hint: "Leave empty and Parley makes one, shown once."),
        ])
    }

    private func editForm(_ client: Client) async throws -> FormState {
        let applications = try await api.applications.list(account: client.accountSid, friendlyName: nil, page: PageRequest(size: PageRequest.maximumSize)).items
        return FormState(fields: [
            .init(name: "FriendlyName", label: "Name", value: client.friendlyName),
            .init(name: "Password", label: "New password", type: "password", autocomplete: "new-password", hint: "Leave empty to keep the password."),
            .init(name: "Status", label: "Status", value: client.status == .enabled ? "1" : "0", options: [("1", "Enabled"), ("0", "Disabled")]),
            .init(
                name: "VoiceApplicationSid", label: "Application for its outgoing calls", value: client.voiceApplicationSid?.rawValue ?? "",
                options: [("", "None (voice URL below)")] + applications.map { ($0.sid.rawValue, $0.friendlyName) }),
            .init(name: "VoiceUrl", label: "Voice URL", type: "url", value: client.voiceUrl ?? ""),
        ])
    }

    private static func generatedPassword() -> String {
        // Letters and digits both, as the API's rule wants; 96 bits.
        "Pw" + RandomHex.string(byteCount: 12) + "7"
    }
}
