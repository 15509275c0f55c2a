import Foundation
import Store

/// One contact bound to a Client by REGISTER: where to send its calls until `expiresAt`.
public struct Registration: Sendable, Equatable {
    public var clientSid: ClientSid
    public var accountSid: AccountSid
    public var login: String
    /// The Contact URI as the user agent wrote it.
    public var contact: String
    public var userAgent: String?
    /// Where the REGISTER came from (`udp:127.0.0.1:5062`), the address behind NAT to reach.
    public var source: String
    public var callID: String
    public var registeredAt: Date
    public var expiresAt: Date

    public func expires(at now: Date) -> Int { max(0, Int(expiresAt.timeIntervalSince(now).rounded())) }
}
