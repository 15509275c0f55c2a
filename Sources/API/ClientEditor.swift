import Foundation
import SIP
import Store

/// The rules for making and changing Clients from form parameters, shared by the REST API and
/// the console. The password is write-only: it is hashed into digest HA1 values for the SIP
/// realm and never shown again.
public struct ClientEditor: Sendable {
    let applications: any ApplicationRepository
    let clients: any ClientRepository
    let registrar: Registrar
    let sipRealm: String

    public init(applications: any ApplicationRepository, clients: any ClientRepository, registrar: Registrar, sipRealm: String) {
        self.applications = applications
        self.clients = clients
        self.registrar = registrar
        self.sipRealm = sipRealm
    }

    /// A new Client of `account` from `form` (Login and Password required), stored.
    public func create(in account: AccountSid, form: FormParameters) async throws -> Client {
        let login = try Self.validLogin(form.requiredString("Login"))
        let password = try Self.validPassword(form.requiredString("Password"))
        let now = Date()
        var client = Client(
            sid: .generate(), accountSid: account, login: login, friendlyName: try form.text("FriendlyName", maxLength: 64) ?? login,
            credentials: DigestCredentials(login: login, realm: sipRealm, password: password), dateCreated: now, dateUpdated: now)
        try await apply(form, to: &client)
        try await clients.insert(client)
        return client
    }

    /// `client` with what `form` gives changed, stored; a disabled Client's registrations end now.
    public func update(_ client: Client, form: FormParameters) async throws -> Client {
        var client = client
        let password = try form.string("Password").map(Self.validPassword)
        if let login = try form.string("Login").map(Self.validLogin), login != client.login {
            // HA1 covers the login, so a new login needs the password to hash again.
            guard password != nil else { throw APIError.missingParameter("Password (needed to change Login)") }
            client.login = login
        }
        if let password { client.credentials = DigestCredentials(login: client.login, realm: sipRealm, password: password) }
        if let name = try form.text("FriendlyName", maxLength: 64) { client.friendlyName = name }
        try await apply(form, to: &client)
        client.dateUpdated = Date()
        try await clients.update(client)
        // A disabled Client is rung no more: its registrations end now, not when they expire.
        if client.status == .disabled { await registrar.unregister(client: client.sid) }
        return client
    }

    /// Deletes the Client `sid` of `account` and ends its registrations, or throws a 404.
    public func delete(_ sid: ClientSid, in account: AccountSid) async throws {
        guard try await clients.delete(sid, account: account) else { throw APIError.notFound(sid.rawValue) }
        await registrar.unregister(client: sid)
    }

    /// The Client `sid` of `account`, or a 404 naming it.
    public func find(_ sid: ClientSid, in account: AccountSid) async throws -> Client {
        guard let client = try await clients.find(sid, account: account) else { throw APIError.notFound(sid.rawValue) }
        return client
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
    public static func validLogin(_ login: String) throws -> String {
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
    public static func validPassword(_ password: String) throws -> String {
        guard password.count >= 8, password.contains(where: \.isLetter),
            password.contains(where: \.isNumber)
        else {
            throw APIError.invalidParameter(
                "Password", "must be at least 8 characters with letters and digits")
        }
        return password
    }
}
