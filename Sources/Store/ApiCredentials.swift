import Foundation

/// An OAuth2 application key pair of an account (FlexIO's "application keys"), used with the
/// client-credentials grant to obtain bearer tokens for the Number Management API.
/// The secret exists only as a hash.
public struct ApiKey: Sendable, Equatable {
    public var clientId: String
    public var accountSid: AccountSid
    public var friendlyName: String
    public var secretHash: String
    public var dateCreated: Date

    public init(clientId: String, accountSid: AccountSid, friendlyName: String, secretHash: String, dateCreated: Date) {
        self.clientId = clientId
        self.accountSid = accountSid
        self.friendlyName = friendlyName
        self.secretHash = secretHash
        self.dateCreated = dateCreated
    }
}

/// A bearer access token issued to a key pair. The token is never stored: it is derived from
/// the client secret and `nonce` (so asking again with the right secret returns the same token
/// while it is active), and only its hash is kept to check requests.
public struct AccessToken: Sendable, Equatable {
    public var tokenHash: String
    public var clientId: String
    public var accountSid: AccountSid
    public var nonce: String
    public var issuedAt: Date
    public var expiresAt: Date
    public var revoked: Bool

    public init(
        tokenHash: String, clientId: String, accountSid: AccountSid, nonce: String, issuedAt: Date,
        expiresAt: Date, revoked: Bool = false
    ) {
        self.tokenHash = tokenHash
        self.clientId = clientId
        self.accountSid = accountSid
        self.nonce = nonce
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.revoked = revoked
    }

    public func isActive(at now: Date) -> Bool { !revoked && now < expiresAt }
}

public enum ApiTokenKind: SidKind { public static let prefix = "AT" }
public typealias ApiTokenSid = Sid<ApiTokenKind>

/// A permanent bearer token: valid until deleted, shown once, stored hashed.
public struct PermanentToken: Sendable, Equatable {
    public var sid: ApiTokenSid
    public var accountSid: AccountSid
    public var friendlyName: String
    public var tokenHash: String
    public var dateCreated: Date

    public init(sid: ApiTokenSid, accountSid: AccountSid, friendlyName: String, tokenHash: String, dateCreated: Date) {
        self.sid = sid
        self.accountSid = accountSid
        self.friendlyName = friendlyName
        self.tokenHash = tokenHash
        self.dateCreated = dateCreated
    }
}
