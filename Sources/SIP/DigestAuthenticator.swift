import Foundation
import Logging
import SIPMessages
import Store
import Synchronization

/// Digest authentication of Clients (RFC 7616 with RFC 3261 §22): for REGISTER as a registrar
/// (401, `WWW-Authenticate`/`Authorization`) and for calls as a proxy (407,
/// `Proxy-Authenticate`/`Proxy-Authorization`). `qop=auth`, the configured algorithms only,
/// expiring nonces answered `stale=true`, nonce-count replay refused, HA1 from the store.
/// Unknown logins are challenged exactly like wrong passwords; failing sources are throttled.
public final class DigestAuthenticator: Sendable {
    public enum Role: Sendable {
        case registrar
        case proxy

        var status: (Int, String) { self == .registrar ? (401, "Unauthorized") : (407, "Proxy Authentication Required") }
        var challengeHeader: String { self == .registrar ? "WWW-Authenticate" : "Proxy-Authenticate" }
        var credentialsHeader: String { self == .registrar ? "Authorization" : "Proxy-Authorization" }
    }

    public enum Outcome: Sendable {
        case authenticated(Client)
        /// Answer with a challenge (`stale` when only the nonce was too old).
        case challenge(stale: Bool)
        case badRequest(String)
        /// Right credentials, but the Client is disabled or its account (or the account's
        /// owner) is suspended or closed.
        case disabled
        case throttled
    }

    private let clients: any ClientRepository
    private let accounts: any AccountRepository
    private let realm: String
    private let algorithms: [DigestAlgorithm]
    private let clock: any WallClock
    private let throttle: LoginThrottle
    private let logger: Logger
    private let nonces: DigestNonces
    /// The highest nonce-count used with each nonce still fresh, with the nonce's issue time.
    private let nonceCounts = Mutex(NonceCounts())
    private let nonceLifetime: TimeInterval

    private struct NonceCounts {
        var highest: [String: (count: UInt64, issued: Date)] = [:]
        var lastPrune = Date.distantPast
    }

    public init(
        clients: any ClientRepository, accounts: any AccountRepository, realm: String, algorithms: [DigestAlgorithm] = [.md5],
        clock: any WallClock = SystemClock(), nonceLifetime: TimeInterval = 300,
        throttle: LoginThrottle = LoginThrottle(limit: 30, window: 60), logger: Logger
    ) {
        self.clients = clients
        self.accounts = accounts
        self.realm = realm
        self.algorithms = algorithms.isEmpty ? [.md5] : algorithms
        self.clock = clock
        self.throttle = throttle
        self.logger = logger
        self.nonces = DigestNonces(lifetime: nonceLifetime)
        self.nonceLifetime = nonceLifetime
    }

    public func authenticate(_ request: SIPRequest, as role: Role, sourceAddress: String) async -> Outcome {
        let now = clock.now()
        guard throttle.allows(sourceAddress, now: now) else { return .throttled }
        guard let header = request.headers[role.credentialsHeader] else { return .challenge(stale: false) }
        guard let authorization = DigestAuthorization(header) else {
            return .badRequest("Malformed \(role.credentialsHeader) header")
        }
        let outcome = await verify(authorization, request: request, now: now)
        if case .challenge(stale: false) = outcome {
            if throttle.recordFailure(sourceAddress, now: now) {
                logger.warning(
                    "SIP authentication throttled after repeated failures",
                    metadata: ["source": "\(sourceAddress)", "login": "\(authorization["username"] ?? "")"])
            }
        }
        return outcome
    }

    /// The response that asks for credentials, one challenge per offered algorithm.
    public func challenge(_ request: SIPRequest, as role: Role, stale: Bool, toTag: String) -> SIPResponse {
        var response = SIPResponse(to: request, status: role.status.0, reason: role.status.1, toTag: toTag)
        for (name, value) in challengeHeaders(as: role, stale: stale) { response.headers.add(name, value) }
        return response
    }

    public func challengeHeaders(as role: Role, stale: Bool) -> [(String, String)] {
        let nonce = nonces.make(at: clock.now())
        return algorithms.map { algorithm in
            (role.challengeHeader,
             "Digest realm=\"\(realm)\", nonce=\"\(nonce)\", algorithm=\(algorithm.rawValue), qop=\"auth\""
                + (stale ? ", stale=true" : ""))
        }
    }

    private func verify(_ authorization: DigestAuthorization, request: SIPRequest, now: Date) async -> Outcome {
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
        // The digest covers the Request-URI (RFC 7616 §3.4.6): a response computed for another
        // URI is not replayed on this one.
        guard let uri = authorization["uri"], Self.same(uri, request.uri) else {
            return .badRequest("Digest uri does not match the Request-URI")
        }
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
        guard case .fresh(let issued) = freshness else { return .challenge(stale: true) }
        let lifetime = nonceLifetime
        let fresh = nonceCounts.withLock { counts -> Bool in
            if now.timeIntervalSince(counts.lastPrune) > 30 {
                counts.lastPrune = now
                counts.highest = counts.highest.filter { now.timeIntervalSince($0.value.issued) <= lifetime }
            }
            guard count > (counts.highest[nonce]?.count ?? 0) else { return false }
            counts.highest[nonce] = (count, issued)
            return true
        }
        // A nonce-count used before: a retransmission or a replay, not a guess (the password
        // was right), so it is not counted against the source; a fresh nonce is asked for.
        guard fresh else {
            logger.warning("digest nonce-count replayed", metadata: ["login": "\(username)"])
            return .challenge(stale: true)
        }
        guard client.status == .enabled, (try? await accounts.standing(of: client.accountSid)) == .active else { return .disabled }
        return .authenticated(client)
    }

    /// Whether the digest's `uri` names the Request-URI: the same text, or the same SIP URI
    /// written differently (case of scheme and host, parameter order).
    static func same(_ digestURI: String, _ requestURI: String) -> Bool {
        if digestURI == requestURI { return true }
        guard let a = SIPURI(digestURI), let b = SIPURI(requestURI) else { return false }
        return a.scheme == b.scheme && a.user == b.user && a.host.lowercased() == b.host.lowercased() && a.port == b.port
            && a.parameters == b.parameters
    }
}
