import Foundation
import Store

/// An account's secrets, made and revoked for the REST API and the console alike: the
/// AuthToken (rotated), OAuth2 key pairs and permanent bearer tokens. Every secret is shown
/// once, to whoever made it, and stored hashed.
public struct CredentialDesk: Sendable {
    let accounts: any AccountRepository
    let credentials: any CredentialRepository
    let sealer: TokenSealer
    let cache: CachedAccountRepository?

    public init(accounts: any AccountRepository, credentials: any CredentialRepository, sealer: TokenSealer, cache: CachedAccountRepository?) {
        self.accounts = accounts
        self.credentials = credentials
        self.sealer = sealer
        self.cache = cache
    }

    /// A new AuthToken for `account`: the old one stops working at once.
    public func rotateAuthToken(of account: Account) async throws -> String {
        var account = account
        let token = RandomHex.string(byteCount: 16)
        account.authTokenHash = SecretHash.token(token)
        account.authTokenSealed = sealer.seal(token)
        account.dateUpdated = Date()
        try await accounts.update(account)
        cache?.forget()
        return token
    }

    /// A new OAuth2 key pair (`FriendlyName` from `form`) and its secret.
    public func createKey(for account: AccountSid, form: FormParameters) async throws -> (key: ApiKey, secret: String) {
        let secret = RandomHex.string(byteCount: 16)
        let key = ApiKey(
            clientId: RandomHex.string(byteCount: 16), accountSid: account, friendlyName: try Self.name(form, default: "API key"),
            secretHash: SecretHash.token(secret), dateCreated: Date())
        try await credentials.insertKey(key)
        return (key, secret)
    }

    /// Deletes a key pair, revoking its tokens, or throws a 404.
    public func deleteKey(_ clientId: String, of account: AccountSid) async throws {
        guard try await credentials.deleteKey(clientId: clientId, account: account) else { throw APIError.notFound(clientId) }
    }

    /// A new permanent bearer token (`FriendlyName` from `form`) and its value.
    public func createToken(for account: AccountSid, form: FormParameters) async throws -> (record: PermanentToken, token: String) {
        let token = RandomHex.string(byteCount: 32)
        let record = PermanentToken(
            sid: .generate(), accountSid: account, friendlyName: try Self.name(form, default: "Permanent token"),
            tokenHash: SecretHash.token(token), dateCreated: Date())
        try await credentials.insertPermanentToken(record)
        return (record, token)
    }

    /// Revokes a permanent token, or throws a 404.
    public func deleteToken(_ sid: ApiTokenSid, of account: AccountSid) async throws {
        guard try await credentials.deletePermanentToken(sid, account: account) else { throw APIError.notFound(sid.rawValue) }
    }

    private static func name(_ form: FormParameters, default name: String) throws -> String {
        guard let given = try form.text("FriendlyName", maxLength: 64), !given.isEmpty else { return name }
        return given
    }
}
