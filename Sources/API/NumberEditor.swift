import Foundation
import Store

/// The rules for searching the pool, reserving, routing and releasing numbers from form
/// parameters, shared by Twilio's IncomingPhoneNumbers and AvailablePhoneNumbers and the
/// console (renting itself goes through `NumberDesk`, which FlexIO's API shares too).
public struct NumberEditor: Sendable {
    let numbers: any NumberRepository
    let applications: any ApplicationRepository
    let desk: NumberDesk

    public init(numbers: any NumberRepository, applications: any ApplicationRepository, clock: any WallClock) {
        self.numbers = numbers
        self.applications = applications
        self.desk = NumberDesk(numbers: numbers, clock: clock)
    }

    /// The pool search `form` asks for (AreaCode, Contains, SmsEnabled, PriceTier) among numbers of `type`.
    public static func searchFilter(type: NumberType?, form: FormParameters) throws -> NumberFilter {
        var filter = NumberFilter(type: type)
        if let area = form.string("AreaCode"), !area.isEmpty {
            guard let zone = BelgianNumberPlan.zone(area) else { throw APIError.invalidParameter("AreaCode", "'\(area)' is not a Belgian zone") }
            filter.zone = zone
        }
        if let contains = form.string("Contains"), !contains.isEmpty {
            let digits = contains.hasPrefix("+") ? String(contains.dropFirst()) : contains
            guard !digits.isEmpty, digits.allSatisfy(\.isNumber) else { throw APIError.invalidParameter("Contains", "must be digits") }
            filter.contains = digits
        }
        if let sms = try form.bool("SmsEnabled") { filter.smsSupported = sms }
        if let tier = form.string("PriceTier"), !tier.isEmpty {
            guard let parsed = PriceTier(rawValue: tier.uppercased()) else { throw APIError.invalidParameter("PriceTier", "must be REGULAR or PREMIUM") }
            filter.priceTier = parsed
        }
        return filter
    }

    /// Available numbers of the pool matching `filter`.
    public func available(_ filter: NumberFilter, page: PageRequest) async throws -> PageResult<PhoneNumber> {
        guard try await numbers.poolSize() > 0 else { throw APIError.noNumberPool }
        return try await numbers.available(filter, at: desk.clock.now(), page: page)
    }

    /// Reserves for `account` the number `form` names (PhoneNumber) or the first of a zone
    /// (AreaCode), with its routing set from `form`; a fixed number needs AddressInZoneConfirmed.
    public func reserve(in account: AccountSid, type: NumberType?, form: FormParameters) async throws -> PhoneNumber {
        var filter = NumberFilter(type: type)
        if let raw = form.string("PhoneNumber") {
            guard let e164 = BelgianNumberPlan.normalise(raw) else {
                throw APIError.invalidParameter("PhoneNumber", "'\(raw)' is not a Belgian fixed or mobile number")
            }
            filter.e164 = e164
        } else if let area = form.string("AreaCode") {
            guard let zone = BelgianNumberPlan.zone(area) else { throw APIError.invalidParameter("AreaCode", "'\(area)' is not a Belgian zone") }
            filter.zone = zone
        } else {
            throw APIError.missingParameter("PhoneNumber or AreaCode")
        }
        var routing = NumberRouting()
        try await apply(form, to: &routing, account: account)
        let confirmed = try form.bool("AddressInZoneConfirmed") ?? false
        var number = try await desk.reserve(filter, addressInZoneConfirmed: confirmed, confirmation: "AddressInZoneConfirmed", for: account)
        if routing != NumberRouting(), let sid = number.sid {
            try await numbers.updateRouting(sid, account: account, routing: routing)
            number.routing = routing
        }
        return number
    }

    /// `number` routed as `form` says (`VoiceApplicationSid` wins over `VoiceUrl` when a call comes), stored.
    public func update(_ number: PhoneNumber, form: FormParameters) async throws -> PhoneNumber {
        var number = number
        guard let sid = number.sid, let account = number.accountSid else { throw APIError.notFound("number") }
        try await apply(form, to: &number.routing, account: account)
        try await numbers.updateRouting(sid, account: account, routing: number.routing)
        return number
    }

    /// Releases the number into its freeze; when it returns to the pool, or a 404.
    @discardableResult
    public func release(_ sid: PhoneNumberSid, of account: AccountSid) async throws -> Date {
        guard try await desk.release(sid, of: account) else { throw APIError.notFound(sid.rawValue) }
        return desk.clock.now().addingTimeInterval(NumberDesk.freeze)
    }

    /// The number `sid` of `account`, or a 404 naming it.
    public func find(_ sid: PhoneNumberSid, in account: AccountSid) async throws -> PhoneNumber {
        guard let number = try await numbers.find(sid, account: account) else { throw APIError.notFound(sid.rawValue) }
        return number
    }

    private func apply(_ form: FormParameters, to routing: inout NumberRouting, account: AccountSid) async throws {
        if let name = try form.text("FriendlyName", maxLength: 64) { routing.friendlyName = name.isEmpty ? nil : name }
        if let url = try form.url("VoiceUrl") { routing.voiceUrl = url }
        if let method = try form.method("VoiceMethod") { routing.voiceMethod = method }
        if let url = try form.url("VoiceFallbackUrl") { routing.voiceFallbackUrl = url }
        if let method = try form.method("VoiceFallbackMethod") { routing.voiceFallbackMethod = method }
        if let url = try form.url("StatusCallback") { routing.statusCallback = url }
        if let method = try form.method("StatusCallbackMethod") { routing.statusCallbackMethod = method }
        if let url = try form.url("SmsUrl") { routing.smsUrl = url }
        if let method = try form.method("SmsMethod") { routing.smsMethod = method }
        if let url = try form.url("SmsFallbackUrl") { routing.smsFallbackUrl = url }
        if let method = try form.method("SmsFallbackMethod") { routing.smsFallbackMethod = method }
        for name in ["VoiceApplicationSid", "SmsApplicationSid"] {
            guard let sid: ApplicationSid? = try form.sid(name) else { continue }
            if let sid, try await applications.find(sid, account: account) == nil {
                throw APIError.invalidParameter(name, "\(sid) is not an application of this account")
            }
            if name == "VoiceApplicationSid" { routing.voiceApplicationSid = sid } else { routing.smsApplicationSid = sid }
        }
    }
}
