import Foundation
import Logging
import SIPMessages
import Store

/// The location service of Parley's Clients (RFC 3261 §10): checks REGISTER requests with
/// digest authentication (RFC 7616, MD5 and SHA-256, qop=auth, expiring nonces, nonce-count
/// replay protection) against the stored HA1 and keeps the bindings in memory.
///
/// Only the configured algorithms are offered and accepted, in the configured order of
/// preference. MD5 alone is the default: some user agents (baresip 1.0 among them) give up on
/// a challenge list that names an algorithm they do not know.
///
/// Answers never reveal whether a login exists: unknown logins and wrong passwords get the
/// same challenge. Sources that keep failing are throttled.
public actor Registrar {
    public static let minimumExpires = 60
    public static let maximumExpires = 3600
    static let defaultExpires = 3600

    private let clients: any ClientRepository
    private let realm: String
    private let clock: any WallClock
    private let throttle: LoginThrottle
    private let logger: Logger
    private let nonces: DigestNonces
    private let algorithms: [DigestAlgorithm]
    /// The highest nonce-count used with each nonce still fresh.
    private var nonceCounts: [String: UInt64] = [:]
    private var bindings: [ClientSid: [Registration]] = [:]
    private var lastPrune = Date.distantPast

    public init(
        clients: any ClientRepository, realm: String, algorithms: [DigestAlgorithm] = [.md5],
        clock: any WallClock = SystemClock(), nonceLifetime: TimeInterval = 300,
        throttle: LoginThrottle = LoginThrottle(limit: 30, window: 60), logger: Logger
    ) {
        self.algorithms = algorithms.isEmpty ? [.md5] : algorithms
        self.clients = clients
        self.realm = realm
        self.clock = clock
        self.throttle = throttle
        self.logger = logger
        self.nonces = DigestNonces(lifetime: nonceLifetime)
    }

    /// The bindings of a Client still in force.
    public func registrations(of client: ClientSid) -> [Registration] {
        let now = clock.now()
        return (bindings[client] ?? []).filter { $0.expiresAt > now }
    }

    /// Answers one REGISTER received from `source` (e.g. `udp:127.0.0.1:5062`).
    public func register(_ request: SIPRequest, source: String, sourceAddress: String) async -> SIPResponse {
        let now = clock.now()
        pruneIfDue(now)
        guard throttle.allows(sourceAddress, now: now) else {
            var response = SIPResponse(to: request, status: 403, reason: "Too Many Failed Attempts", toTag: Self.tag())
            response.headers.add("Retry-After", "60")
            return response
        }
        guard let header = request.headers["Authorization"] else { return challenge(request, stale: false) }
        guard let authorization = DigestAuthorization(header) else {
            return SIPResponse(to: request, status: 400, reason: "Malformed Authorization header", toTag: Self.tag())
        }
        switch await authenticate(authorization, request: request, now: now) {
        case .challenge(let stale):
            if !stale { recordFailure(sourceAddress, login: authorization["username"] ?? "", now: now) }
            return challenge(request, stale: stale)
        case .badRequest(let reason):
            return SIPResponse(to: request, status: 400, reason: reason, toTag: Self.tag())
        case .forbidden:
            return SIPResponse(to: request, status: 403, reason: "Client Disabled", toTag: Self.tag())
        case .authenticated(let client):
            return bind(request, client: client, source: source, now: now)
        }
    }

    private enum Outcome {
        case challenge(stale: Bool)
        case badRequest(String)
        case forbidden
        case authenticated(Client)
    }

    private func authenticate(_ authorization: DigestAuthorization, request: SIPRequest, now: Date) async -> Outcome {
        guard let algorithm = DigestAlgorithm(header: authorization["algorithm"]), algorithms.contains(algorithm) else {
            return .badRequest("Unsupported digest algorithm")
        }
        guard authorization["qop"]?.lowercased() == "auth", let nc = authorization["nc"],
            let cnonce = authorization["cnonce"], let count = UInt64(nc, radix: 16),
            let nonce = authorization["nonce"], let username = authorization["username"],
            let response = authorization["response"]?.lowercased()
        else { return .badRequest("Digest needs qop=auth with nc and cnonce") }
        guard authorization["realm"] == realm else { return .challenge(stale: false) }
        let freshness = nonces.check(nonce, at: now)
        if freshness == .forged { return .challenge(stale: false) }
        let uri = authorization["uri"] ?? request.uri
        let candidates = (try? await clients.withLogin(username)) ?? []
        let matching = candidates.first { client in
            client.credentials.realm == realm
                && SecretHash.constantTimeEquals(
                    algorithm.response(
                        ha1: algorithm.ha1(client.credentials), nonce: nonce, nc: nc, cnonce: cnonce,
                        method: request.method, uri: uri), response)
        }
        guard let client = matching else { return .challenge(stale: false) }
        // Right credentials on an old nonce: ask again with a fresh one (RFC 7616 §3.3).
        guard case .fresh = freshness else { return .challenge(stale: true) }
        guard count > (nonceCounts[nonce] ?? 0) else {
            logger.warning("digest nonce-count replayed", metadata: ["login": "\(username)"])
            return .challenge(stale: false)
        }
        nonceCounts[nonce] = count
        guard client.status == .enabled else { return .forbidden }
        return .authenticated(client)
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

    private func challenge(_ request: SIPRequest, stale: Bool) -> SIPResponse {
        var response = SIPResponse(to: request, status: 401, reason: "Unauthorized", toTag: Self.tag())
        let nonce = nonces.make(at: clock.now())
        for algorithm in algorithms {
            response.headers.add(
                "WWW-Authenticate",
                "Digest realm=\"\(realm)\", nonce=\"\(nonce)\", algorithm=\(algorithm.rawValue), qop=\"auth\""
                    + (stale ? ", stale=true" : ""))
        }
        return response
    }

    private func recordFailure(_ address: String, login: String, now: Date) {
        if throttle.recordFailure(address, now: now) {
            logger.warning("REGISTER attempts throttled after repeated failures", metadata: ["source": "\(address)", "login": "\(login)"])
        }
    }

    private func pruneIfDue(_ now: Date) {
        guard now.timeIntervalSince(lastPrune) > 30 else { return }
        lastPrune = now
        nonceCounts = nonceCounts.filter { nonce, _ in
            if case .fresh = nonces.check(nonce, at: now) { return true }
            return false
        }
        bindings = bindings.compactMapValues { list in
            let live = list.filter { $0.expiresAt > now }
            return live.isEmpty ? nil : live
        }
    }

    static func tag() -> String { RandomHex.string(byteCount: 6) }
}
