import Foundation

/// What to look for in the pool or among an account's numbers; nil matches anything.
public struct NumberFilter: Sendable, Equatable {
    public var zone: String?
    public var type: NumberType?
    public var priceTier: PriceTier?
    public var smsSupported: Bool?
    /// A substring of the digits (E.164 without `+`).
    public var contains: String?
    /// An exact E.164 number.
    public var e164: String?

    public init(
        zone: String? = nil, type: NumberType? = nil, priceTier: PriceTier? = nil,
        smsSupported: Bool? = nil, contains: String? = nil, e164: String? = nil
    ) {
        self.zone = zone
        self.type = type
        self.priceTier = priceTier
        self.smsSupported = smsSupported
        self.contains = contains
        self.e164 = e164
    }
}

/// The number pool and its reservations. Reservation is atomic: when several accounts race
/// for one number, exactly one wins. A frozen number whose freeze has passed counts as available.
public protocol NumberRepository: Sendable {
    /// Adds pool numbers that are not known yet; existing numbers (reserved or not) are untouched.
    /// Returns how many were added.
    @discardableResult
    func loadPool(_ numbers: [PhoneNumber]) async throws -> Int
    /// How many numbers the pool holds, in any state: 0 when no pool was ever loaded.
    func poolSize() async throws -> Int
    func available(_ filter: NumberFilter, at now: Date, page: PageRequest) async throws
        -> PageResult<PhoneNumber>
    /// Reserves the first available number matching `filter` for `account`; nil when none is.
    func reserve(_ filter: NumberFilter, for account: AccountSid, at now: Date) async throws
        -> PhoneNumber?
    func owned(by account: AccountSid, filter: NumberFilter, page: PageRequest) async throws
        -> PageResult<PhoneNumber>
    func find(_ sid: PhoneNumberSid, account: AccountSid) async throws -> PhoneNumber?
    /// The number in any state (to tell "not in the pool" from "not available").
    func find(e164: String) async throws -> PhoneNumber?
    func updateRouting(_ sid: PhoneNumberSid, account: AccountSid, routing: NumberRouting)
        async throws
    /// Releases a reserved number into a freeze until `frozenUntil`; false when the account
    /// does not hold it.
    func release(_ sid: PhoneNumberSid, account: AccountSid, at now: Date, frozenUntil: Date)
        async throws -> Bool
    func reservations(of account: AccountSid) async throws -> [NumberReservation]
}

/// OAuth2 key pairs, access tokens and permanent tokens.
public protocol CredentialRepository: Sendable {
    func insertKey(_ key: ApiKey) async throws
    func key(clientId: String) async throws -> ApiKey?
    func keys(of account: AccountSid) async throws -> [ApiKey]
    /// Deletes the key pair and revokes its tokens; false when the account has no such key.
    func deleteKey(clientId: String, account: AccountSid) async throws -> Bool

    /// The key pair's active access token if it has one, else `candidate`, stored: one
    /// transaction, so a key pair never has two active tokens.
    func activeAccessToken(orInsert candidate: AccessToken, at now: Date) async throws -> AccessToken
    func accessToken(hash: String) async throws -> AccessToken?
    func revokeAccessToken(hash: String, clientId: String) async throws

    func insertPermanentToken(_ token: PermanentToken) async throws
    func permanentToken(hash: String) async throws -> PermanentToken?
    func permanentTokens(of account: AccountSid) async throws -> [PermanentToken]
    func deletePermanentToken(_ sid: ApiTokenSid, account: AccountSid) async throws -> Bool
}
