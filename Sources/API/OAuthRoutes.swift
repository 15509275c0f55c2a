import Crypto
import Foundation
import Hummingbird
import Store

/// OAuth2 client-credentials tokens for the Number Management API, as the FlexIO guide
/// describes: `POST /token` and `POST /revoke` (RFC 6749 §4.4, RFC 7009). Tokens live one hour
/// and a key pair has one active token at a time: asking again returns the same token.
struct OAuthRoutes {
    static let lifetime: TimeInterval = 3600

    let credentials: any CredentialRepository
    let accounts: any AccountRepository
    let clock: any WallClock
    let throttle: LoginThrottle

    func register(on router: Router<ParleyRequestContext>) {
        router.post("token") { request, context in try await token(request, context) }
        router.post("revoke") { request, context in try await revoke(request, context) }
    }

    private func token(_ request: Request, _ context: ParleyRequestContext) async throws -> Response {
        let parameters = try await Self.parameters(request)
        guard let grant = parameters.string("grant_type") else {
            return Self.error(.badRequest, "invalid_request", "grant_type is required")
        }
        guard grant == "client_credentials" else {
            return Self.error(.badRequest, "unsupported_grant_type", "only client_credentials is supported")
        }
        let scope = parameters.string("scope") ?? "openid"
        guard scope.split(separator: " ").allSatisfy({ $0 == "openid" }) else {
            return Self.error(.badRequest, "invalid_scope", "the only scope is openid")
        }
        let client: (key: ApiKey, secret: String)
        switch try await authenticateClient(request, parameters, context) {
        case .success(let authenticated): client = authenticated
        case .failure(let failure): return failure.response
        }
        let now = clock.now()
        let nonce = RandomHex.string(byteCount: 16)
        let candidate = AccessToken(
            tokenHash: SecretHash.token(Self.derive(secret: client.secret, nonce: nonce)),
            clientId: client.key.clientId, accountSid: client.key.accountSid, nonce: nonce,
            issuedAt: now, expiresAt: now.addingTimeInterval(Self.lifetime))
        let active = try await credentials.activeAccessToken(orInsert: candidate, at: now)
        let value = ResourceValue.object([
            "scope": .string("openid"),
            "token_type": .string("Bearer"),
            "expires_in": .integer(max(0, Int(active.expiresAt.timeIntervalSince(now)))),
            "access_token": .string(Self.derive(secret: client.secret, nonce: active.nonce)),
        ])
        var response = Self.json(value, status: .ok)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    private func revoke(_ request: Request, _ context: ParleyRequestContext) async throws -> Response {
        let parameters = try await Self.parameters(request)
        guard let token = parameters.string("token"), !token.isEmpty else {
            return Self.error(.badRequest, "invalid_request", "token is required")
        }
        switch try await authenticateClient(request, parameters, context) {
        case .success(let client):
            // RFC 7009 §2.2: an unknown token is answered like a revoked one.
            try await credentials.revokeAccessToken(hash: SecretHash.token(token), clientId: client.key.clientId)
            return Self.json(.object([:]), status: .ok)
        case .failure(let failure):
            return failure.response
        }
    }

    /// The client from `client_id`/`client_secret` parameters or HTTP Basic; a wrong pair, an
    /// unknown id or an inactive account are all the same `invalid_client`.
    private func authenticateClient(
        _ request: Request, _ parameters: FormParameters, _ context: ParleyRequestContext
    ) async throws -> Result<(key: ApiKey, secret: String), ResponseFailure> {
        guard throttle.allows(context.remoteAddress) else {
            return .failure(ResponseFailure(Self.error(.tooManyRequests, "slow_down", "too many failed attempts; retry later")))
        }
        var id = parameters.string("client_id")
        var secret = parameters.string("client_secret")
        if id == nil, let header = request.headers[.authorization], header.lowercased().hasPrefix("basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst(6))),
            let pair = String(data: decoded, encoding: .utf8), let colon = pair.firstIndex(of: ":")
        {
            id = String(pair[..<colon])
            secret = String(pair[pair.index(after: colon)...])
        }
        guard let id, let secret else {
            return .failure(ResponseFailure(Self.error(.badRequest, "invalid_request", "client_id and client_secret are required")))
        }
        if let key = try await credentials.key(clientId: id),
            SecretHash.matches(secret, storedHash: key.secretHash),
            try await accounts.find(key.accountSid)?.status == .active
        {
            return .success((key, secret))
        }
        throttle.recordFailure(context.remoteAddress)
        var response = Self.error(.unauthorized, "invalid_client", "client authentication failed")
        response.headers[.wwwAuthenticate] = "Basic realm=\"Parley\""
        return .failure(ResponseFailure(response))
    }

    struct ResponseFailure: Error {
        let response: Response
        init(_ response: Response) { self.response = response }
    }

    /// The token for a secret and nonce: HMAC-SHA256, so it can be given again without storing it.
    static func derive(secret: String, nonce: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data(nonce.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return SecretHash.hex(mac)
    }

    /// Parameters from the query string and, when present, the form body (the guide uses both).
    private static func parameters(_ request: Request) async throws -> FormParameters {
        var parameters = try request.queryForm()
        parameters.merge(try await request.formParameters())
        return parameters
    }

    private static func error(_ status: HTTPResponse.Status, _ code: String, _ description: String) -> Response {
        json(.object(["error": .string(code), "error_description": .string(description)]), status: status)
    }

    private static func json(_ value: ResourceValue, status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: value.json)))
    }
}
