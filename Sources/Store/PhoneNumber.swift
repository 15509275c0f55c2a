import Foundation

/// A Belgian number of the pool and, while an account holds it, how calls to it are routed.
public struct PhoneNumber: Sendable, Equatable {
    /// E.164 with the leading `+`, e.g. `+3222060746`.
    public var e164: String
    public var type: NumberType
    /// The Belgian zone with its leading 0 (`02`, `010`, `0470`).
    public var zone: String
    public var smsSupported: Bool
    public var priceTier: PriceTier
    public var state: NumberState
    /// Set while reserved: Twilio's IncomingPhoneNumber SID, new for each reservation.
    public var sid: PhoneNumberSid?
    public var accountSid: AccountSid?
    public var reservedAt: Date?
    /// Set while frozen after a release.
    public var frozenUntil: Date?
    public var routing: NumberRouting

    public init(
        e164: String, type: NumberType, zone: String, smsSupported: Bool, priceTier: PriceTier,
        state: NumberState = .available, sid: PhoneNumberSid? = nil, accountSid: AccountSid? = nil,
        reservedAt: Date? = nil, frozenUntil: Date? = nil, routing: NumberRouting = NumberRouting()
    ) {
        self.e164 = e164
        self.type = type
        self.zone = zone
        self.smsSupported = smsSupported
        self.priceTier = priceTier
        self.state = state
        self.sid = sid
        self.accountSid = accountSid
        self.reservedAt = reservedAt
        self.frozenUntil = frozenUntil
        self.routing = routing
    }

    /// The FlexIO form of the number: E.164 without the `+`.
    public var digits: String { String(e164.dropFirst()) }
}

/// Where calls and messages to a reserved number go. `voiceApplicationSid` wins over `voiceUrl`.
public struct NumberRouting: Sendable, Equatable {
    public var friendlyName: String?
    public var voiceUrl: String?
    public var voiceMethod: WebhookMethod = .post
    public var voiceFallbackUrl: String?
    public var voiceFallbackMethod: WebhookMethod = .post
    public var statusCallback: String?
    public var statusCallbackMethod: WebhookMethod = .post
    public var voiceApplicationSid: ApplicationSid?
    public var smsUrl: String?
    public var smsMethod: WebhookMethod = .post
    /// Requested when `smsUrl` fails (with `ErrorCode` and `ErrorUrl`), as Twilio's.
    public var smsFallbackUrl: String?
    public var smsFallbackMethod: WebhookMethod = .post
    public var smsApplicationSid: ApplicationSid?

    public init() {}
}

public enum NumberType: String, Sendable, CaseIterable {
    case fixed = "FIXED"
    case mobile = "MOBILE"
}

public enum PriceTier: String, Sendable, CaseIterable {
    case regular = "REGULAR"
    case premium = "PREMIUM"
}

/// available → reserved (by one account) → frozen (15 days after release) → available.
public enum NumberState: String, Sendable, CaseIterable {
    case available, reserved, frozen
}

public enum PhoneNumberKind: SidKind { public static let prefix = "PN" }
public typealias PhoneNumberSid = Sid<PhoneNumberKind>

/// One reservation of a number by an account: the facts monthly invoicing needs.
public struct NumberReservation: Sendable, Equatable {
    public var e164: String
    public var accountSid: AccountSid
    public var reservedAt: Date
    public var releasedAt: Date?

    public init(e164: String, accountSid: AccountSid, reservedAt: Date, releasedAt: Date?) {
        self.e164 = e164
        self.accountSid = accountSid
        self.reservedAt = reservedAt
        self.releasedAt = releasedAt
    }

    /// The starts of the invoiced months up to `now`: the reservation itself and each monthly
    /// anniversary before the release. A number is invoiced per started month.
    public func billedMonthStarts(until now: Date, calendar: Calendar = .gmt) -> [Date] {
        let end = min(releasedAt ?? now, now)
        var starts: [Date] = []
        var month = 0
        while let start = calendar.date(byAdding: .month, value: month, to: reservedAt),
            start < end || month == 0
        {
            starts.append(start)
            month += 1
        }
        return starts
    }
}

extension Calendar {
    /// The Gregorian calendar in GMT, where invoicing anniversaries are counted.
    public static var gmt: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "GMT")!
        return calendar
    }
}
