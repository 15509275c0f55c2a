import Foundation
import Store

/// The rules of renting numbers, shared by the FlexIO Number Management API and Twilio's
/// IncomingPhoneNumbers: the Belgian address-in-zone confirmation for fixed numbers, 409 for a
/// number someone else holds or that is frozen, and a 15-day freeze after every release.
struct NumberDesk {
    static let freeze: TimeInterval = 15 * 24 * 3600

    let numbers: any NumberRepository
    let clock: any WallClock

    /// Reserves the first available number matching `filter`. `confirmation` is the name the
    /// caller's API gives the address-in-zone parameter, for the error that asks for it.
    func reserve(
        _ filter: NumberFilter, addressInZoneConfirmed: Bool, confirmation: String = "addressInZoneConfirmed", for account: AccountSid
    ) async throws -> PhoneNumber {
        let now = clock.now()
        guard try await numbers.poolSize() > 0 else { throw APIError.noNumberPool }
        if let e164 = filter.e164, try await numbers.find(e164: e164) == nil {
            throw APIError(
                status: .notFound, code: 20404, message: "\(e164) is not a number of Parley's pool")
        }
        if !addressInZoneConfirmed {
            if filter.type == .fixed { throw Self.addressRule(confirmation) }
            if filter.type == nil,
                let first = try await numbers.available(filter, at: now, page: PageRequest(size: 1)).items.first,
                first.type == .fixed
            {
                throw Self.addressRule(confirmation)
            }
        }
        guard let number = try await numbers.reserve(filter, for: account, at: now) else {
            throw APIError(
                status: .conflict, code: 21422,
                message: filter.e164.map { "\($0) is not available: reserved, or frozen after a release" }
                    ?? "No available number matches the request")
        }
        if number.type == .fixed && !addressInZoneConfirmed, let sid = number.sid {
            // The pool changed between the check and the reservation: give the number back.
            _ = try await numbers.release(sid, account: account, at: now, frozenUntil: now)
            throw Self.addressRule(confirmation)
        }
        return number
    }

    func release(_ sid: PhoneNumberSid, of account: AccountSid) async throws -> Bool {
        let now = clock.now()
        return try await numbers.release(
            sid, account: account, at: now, frozenUntil: now.addingTimeInterval(Self.freeze))
    }

    static func addressRule(_ parameter: String) -> APIError {
        APIError(
            status: .badRequest, code: 21615,
            message: "\(parameter): Belgian law requires a personal or business address in "
                + "the zone of a fixed number; confirm it with \(parameter)=true")
    }
}
