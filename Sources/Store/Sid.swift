/// The resource family a SID belongs to; its two-letter prefix is the wire form's first characters.
public protocol SidKind: Sendable {
    static var prefix: String { get }
}

/// A resource identifier: a two-letter prefix plus 32 lowercase hex characters (Twilio's shape).
///
/// Generic over its kind so that an `ApplicationSid` can never be passed where a `ClientSid` is
/// expected; parsed once at the edge, never re-validated in the core.
public struct Sid<Kind: SidKind>: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// Accepts the prefix followed by 32 hex digits of either case; stores them lowercase.
    public init?(_ raw: some StringProtocol) {
        let utf8 = Array(raw.utf8)
        guard utf8.count == 34, raw.hasPrefix(Kind.prefix) else { return nil }
        guard utf8[2...].allSatisfy(Self.isHexDigit) else { return nil }
        rawValue = Kind.prefix + raw.dropFirst(2).lowercased()
    }

    /// A fresh SID from the system's cryptographic random source.
    public static func generate() -> Sid {
        Sid(uncheckedRaw: Kind.prefix + RandomHex.string(byteCount: 16))
    }

    private init(uncheckedRaw: String) {
        rawValue = uncheckedRaw
    }

    public var description: String { rawValue }

    public static func < (lhs: Sid, rhs: Sid) -> Bool { lhs.rawValue < rhs.rawValue }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
            UInt8(ascii: "A")...UInt8(ascii: "F"):
            return true
        default:
            return false
        }
    }
}

public enum AccountKind: SidKind { public static let prefix = "AC" }
public enum ApplicationKind: SidKind { public static let prefix = "AP" }
public enum ClientKind: SidKind { public static let prefix = "CL" }
public enum NotificationKind: SidKind { public static let prefix = "NO" }
public enum CallKind: SidKind { public static let prefix = "CA" }

public typealias AccountSid = Sid<AccountKind>
public typealias ApplicationSid = Sid<ApplicationKind>
public typealias ClientSid = Sid<ClientKind>
public typealias NotificationSid = Sid<NotificationKind>
public typealias CallSid = Sid<CallKind>
public enum RecordingKind: SidKind { public static let prefix = "RE" }
public typealias RecordingSid = Sid<RecordingKind>
public enum ConferenceKind: SidKind { public static let prefix = "CF" }
public typealias ConferenceSid = Sid<ConferenceKind>
public enum QueueKind: SidKind { public static let prefix = "QU" }
public typealias QueueSid = Sid<QueueKind>
public enum ConsoleUserKind: SidKind { public static let prefix = "US" }
public typealias ConsoleUserSid = Sid<ConsoleUserKind>
