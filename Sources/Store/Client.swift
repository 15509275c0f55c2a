import Foundation

/// A SIP user agent (softphone) of an account: it registers with digest credentials and is
/// dialled as `client:login`. Its password exists only as HA1 values for the SIP realm.
public struct Client: Sendable, Equatable {
    public var sid: ClientSid
    public var accountSid: AccountSid
    public var login: String
    public var friendlyName: String
    public var status: ClientStatus
    public var credentials: DigestCredentials
    public var voiceUrl: String?
    public var voiceMethod: WebhookMethod
    public var voiceFallbackUrl: String?
    public var voiceFallbackMethod: WebhookMethod
    public var voiceApplicationSid: ApplicationSid?
    public var dateCreated: Date
    public var dateUpdated: Date

    public init(
        sid: ClientSid, accountSid: AccountSid, login: String, friendlyName: String,
        status: ClientStatus = .enabled, credentials: DigestCredentials, voiceUrl: String? = nil,
        voiceMethod: WebhookMethod = .post, voiceFallbackUrl: String? = nil,
        voiceFallbackMethod: WebhookMethod = .post, voiceApplicationSid: ApplicationSid? = nil,
        dateCreated: Date, dateUpdated: Date
    ) {
        self.sid = sid
        self.accountSid = accountSid
        self.login = login
        self.friendlyName = friendlyName
        self.status = status
        self.credentials = credentials
        self.voiceUrl = voiceUrl
        self.voiceMethod = voiceMethod
        self.voiceFallbackUrl = voiceFallbackUrl
        self.voiceFallbackMethod = voiceFallbackMethod
        self.voiceApplicationSid = voiceApplicationSid
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
    }
}

/// Restcomm's client status: 1 enabled, 0 disabled (a disabled client may not register or call).
public enum ClientStatus: Int, Sendable, CaseIterable {
    case disabled = 0
    case enabled = 1
}

/// RFC 7616 HA1 values of a client's password for one realm, in both digest algorithms.
public struct DigestCredentials: Sendable, Equatable {
    public var realm: String
    public var ha1MD5: String
    public var ha1SHA256: String

    public init(realm: String, ha1MD5: String, ha1SHA256: String) {
        self.realm = realm
        self.ha1MD5 = ha1MD5
        self.ha1SHA256 = ha1SHA256
    }

    /// Hashes a password for `login` in `realm`; the password itself is not kept.
    public init(login: String, realm: String, password: String) {
        self.init(
            realm: realm,
            ha1MD5: SecretHash.ha1MD5(login: login, realm: realm, password: password),
            ha1SHA256: SecretHash.ha1SHA256(login: login, realm: realm, password: password))
    }
}
