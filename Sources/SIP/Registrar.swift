import Foundation
import Logging
import SIPMessages
import Store

/// The location service of Parley's Clients (RFC 3261 §10): REGISTER requests authenticated
/// by digest (see `DigestAuthenticator`) bind contacts, kept in memory with their expiry.
public actor Registrar {
    public static let minimumExpires = 60
    public static let maximumExpires = 3600
    static let defaultExpires = 3600

    private let authenticator: DigestAuthenticator
    private let clock: any WallClock
    private var bindings: [ClientSid: [Registration]] = [:]
    private var lastPrune = Date.distantPast

    public init(authenticator: DigestAuthenticator, clock: any WallClock = SystemClock()) {
        self.authenticator = authenticator
        self.clock = clock
    }

    /// The bindings of a Client still in force.
    public func registrations(of client: ClientSid) -> [Registration] {
        let now = clock.now()
        return (bindings[client] ?? []).filter { $0.expiresAt > now }
    }

    /// Every binding still in force, across accounts: the administrator's view.
    public func allRegistrations() -> [Registration] {
        let now = clock.now()
        return bindings.values.flatMap { $0.filter { $0.expiresAt > now } }.sorted { ($0.accountSid.rawValue, $0.login) < ($1.accountSid.rawValue, $1.login) }
    }

    /// Contacts registered and not expired, across Clients (for the metrics).
    public var contactCount: Int {
        let now = clock.now()
        return bindings.values.reduce(0) { $0 + $1.count { $0.expiresAt > now } }
    }

    /// Answers one REGISTER received from `source` (e.g. `udp:127.0.0.1:5062`).
    public func register(_ request: SIPRequest, source: String, sourceAddress: String) async -> SIPResponse {
        let now = clock.now()
        pruneIfDue(now)
        switch await authenticator.authenticate(request, as: .registrar, sourceAddress: sourceAddress) {
        case .throttled:
            var response = SIPResponse(to: request, status: 403, reason: "Too Many Failed Attempts", toTag: Self.tag())
            response.headers.add("Retry-After", "60")
            return response
        case .challenge(let stale):
            return authenticator.challenge(request, as: .registrar, stale: stale, toTag: Self.tag())
        case .badRequest(let reason):
            return SIPResponse(to: request, status: 400, reason: reason, toTag: Self.tag())
        case .disabled:
            return SIPResponse(to: request, status: 403, reason: "Client Disabled", toTag: Self.tag())
        case .authenticated(let client):
            return bind(request, client: client, source: source, now: now)
        }
    }

    private func bind(_ request: SIPRequest, client: Client, source: String, now: Date) -> SIPResponse {
        let headerExpires = request.headers["Expires"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let contacts = request.headers.values("Contact").compactMap(NameAddress.init)
        var current = (bindings[client.sid] ?? []).filter { $0.expiresAt > now }
        if contacts.contains(where: \.isWildcard) {
            guard headerExpires == 0, contacts.count == 1 else {
                return SIPResponse(to: request, status: 400, reason: "Wildcard Contact needs Expires: 0", toTag: Self.tag())
            }
            current = []
        }
        for contact in contacts where !contact.isWildcard {
            let expires = contact.parameters["expires"].flatMap(Int.init) ?? headerExpires ?? Self.defaultExpires
            current.removeAll { $0.contact == contact.uriText }
            if expires == 0 { continue }
            if expires < Self.minimumExpires {
                var response = SIPResponse(to: request, status: 423, reason: "Interval Too Brief", toTag: Self.tag())
                response.headers.add("Min-Expires", String(Self.minimumExpires))
                return response
            }
            current.append(
                Registration(
                    clientSid: client.sid, accountSid: client.accountSid, login: client.login,
                    contact: contact.uriText, userAgent: request.headers["User-Agent"], source: source,
                    callID: request.headers["Call-ID"] ?? "", registeredAt: now,
                    expiresAt: now.addingTimeInterval(TimeInterval(min(expires, Self.maximumExpires)))))
        }
        bindings[client.sid] = current.isEmpty ? nil : current
        var response = SIPResponse(to: request, status: 200, reason: "OK", toTag: Self.tag())
        for binding in current {
            response.headers.add("Contact", "<\(binding.contact)>;expires=\(binding.expires(at: now))")
        }
        return response
    }

    /// Ends every binding of a Client that was disabled or deleted: it is no longer rung.
    public func unregister(client: ClientSid) {
        bindings[client] = nil
    }

    /// Ends every binding of the Clients of these accounts (suspended or closed, with their
    /// sub-accounts).
    public func unregister(accounts: Set<AccountSid>) {
        bindings = bindings.filter { _, list in !list.contains { accounts.contains($0.accountSid) } }
    }

    private func pruneIfDue(_ now: Date) {
        guard now.timeIntervalSince(lastPrune) > 30 else { return }
        lastPrune = now
        bindings = bindings.compactMapValues { list in
            let live = list.filter { $0.expiresAt > now }
            return live.isEmpty ? nil : live
        }
    }

    static func tag() -> String { RandomHex.string(byteCount: 6) }
}
