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
            let sid: ClientSid = try context.sidParameter("sid")
            guard try await clients.delete(sid, account: account.sid) else {
                throw APIError.notFound(sid.rawValue)
            }
            await registrar.unregister(client: sid)
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

    private func create(_ request: Request, _ context: ParleyRequestContext) async throws -> Response
    {
        let account = try await scope.resolve(context, access: .write)
        let form = try await request.formParameters()
        let login = try Self.validLogin(form.requiredString("Login"))
        let password = try Self.validPassword(form.requiredString("Password"))
        let now = Date()
        var client = Client(
            sid: .generate(), accountSid: account.sid, login: login,
            friendlyName: try form.text("FriendlyName", maxLength: 64) ?? login,
            credentials: DigestCredentials(login: login, realm: sipRealm, password: password),
            dateCreated: now, dateUpdated: now)
        try await apply(form, to: &client)
        try await clients.insert(client)
        return render(client, status: .created, context: context)
    }

    private func update(_ request: Request, _ context: ParleyRequestContext) async throws -> Response
    {
        let account = try await scope.resolve(context, access: .write)
        var client = try await find(account, context)
        let form = try await request.formParameters()
        let password = try form.string("Password").map(Self.validPassword)
        if let login = try form.string("Login").map(Self.validLogin), login != client.login {
            // HA1 covers the login, so a new login needs the password to hash again.
            guard password != nil else {
                throw APIError.missingParameter("Password (needed to change Login)")
            }
            client.login = login
        }
        if let password {
            client.credentials = DigestCredentials(
                login: client.login, realm: sipRealm, password: password)
        }
        if let name = try form.text("FriendlyName", maxLength: 64) { client.friendlyName = name }
        try await apply(form, to: &client)
        client.dateUpdated = Date()
        try await clients.update(client)
        // A disabled Client is rung no more: its registrations end now, not when they expire.
        if client.status == .disabled { await registrar.unregister(client: client.sid) }
        return render(client, context: context)
    }

    private func apply(_ form: FormParameters, to client: inout Client) async throws {
        if let status = form.string("Status") {
            switch status.lowercased() {
            case "1", "enabled", "active": client.status = .enabled
            case "0", "disabled", "inactive": client.status = .disabled
            default: throw APIError.invalidParameter("Status", "must be 1 (enabled) or 0 (disabled)")
            }
        }
        if let url = try form.url("VoiceUrl") { client.voiceUrl = url }
        if let method = try form.method("VoiceMethod") { client.voiceMethod = method }
        if let url = try form.url("VoiceFallbackUrl") { client.voiceFallbackUrl = url }
        if let method = try form.method("VoiceFallbackMethod") { client.voiceFallbackMethod = method }
        if let applicationSid: ApplicationSid? = try form.sid("VoiceApplicationSid") {
            if let applicationSid,
                try await applications.find(applicationSid, account: client.accountSid) == nil
            {
                throw APIError.invalidParameter(
                    "VoiceApplicationSid", "\(applicationSid) is not an application of this account")
            }
            client.voiceApplicationSid = applicationSid
        }
    }

    /// RFC 3261 `user` characters (unreserved and user-unreserved), 1 to 64 of them; not a
    /// telephone number (a softphone must never pass for a caller ID) and not `anonymous`.
    static func validLogin(_ login: String) throws -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'()&=+$,;?/")
        guard (1...64).contains(login.count), login.allSatisfy(allowed.contains) else {
            throw APIError.invalidParameter(
                "Login", "use 1 to 64 letters, digits or -_.!~*'()&=+$,;?/")
        }
        let digits = login.filter { !"+-./()".contains($0) }
        guard !digits.allSatisfy(\.isNumber) else {
            throw APIError.invalidParameter("Login", "'\(login)' looks like a telephone number; use a name with letters")
        }
        guard login.lowercased() != "anonymous" else {
            throw APIError.invalidParameter("Login", "'anonymous' is kept for callers without an identity")
        }
        return login
    }

    /// At least 8 characters mixing letters and digits: a SIP password faces online guessing.
    static func validPassword(_ password: String) throws -> String {
        guard password.count >= 8, password.contains(where: \.isLetter),
            password.contains(where: \.isNumber)
        else {
            throw APIError.invalidParameter(
                "Password", "must be at least 8 characters with letters and digits")
        }
        return password
    }

    private func find(_ account: Account, _ context: ParleyRequestContext) async throws -> Client {
        let sid: ClientSid = try context.sidParameter("sid")
        guard let client = try await clients.find(sid, account: account.sid) else {
            throw APIError.notFound(sid.rawValue)
        }
        return client
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
