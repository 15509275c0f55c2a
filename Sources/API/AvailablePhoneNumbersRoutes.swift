import Hummingbird
import Store

/// Twilio's AvailablePhoneNumbers for Belgium: `BE/Local` lists fixed numbers of the pool,
/// `BE/Mobile` mobile ones, so `client.available_phone_numbers('BE').local.list()` works.
struct AvailablePhoneNumbersRoutes {
    let accounts: any AccountRepository
    let numbers: any NumberRepository
    let clock: any WallClock
    var scope: AccountScope { AccountScope(accounts: accounts) }

    func register(on group: RouterGroup<ParleyRequestContext>) {
        for (name, type) in [("Local", NumberType.fixed), ("Mobile", .mobile)] {
            group.get(RouterPath("Accounts/{accountSid}/AvailablePhoneNumbers/{country}/\(name)")) { request, context in
                try await list(request, context, kind: name, type: type)
            }
        }
    }

    private func list(_ request: Request, _ context: ParleyRequestContext, kind: String, type: NumberType) async throws
        -> Response
    {
        let account = try await scope.resolve(context)
        let country = context.parameters.get("country") ?? ""
        guard country == "BE" else {
            throw APIError(status: .notFound, code: 20404, message: "Parley offers Belgian (BE) numbers only, not \(country)")
        }
        let query = try request.queryForm()
        var filter = NumberFilter(type: type)
        var filters: [(String, String)] = []
        if let area = query.string("AreaCode") {
            guard let zone = BelgianNumberPlan.zone(area) else {
                throw APIError.invalidParameter("AreaCode", "'\(area)' is not a Belgian zone")
            }
            filter.zone = zone
            filters.append(("AreaCode", area))
        }
        if let contains = query.string("Contains") {
            let digits = contains.hasPrefix("+") ? String(contains.dropFirst()) : contains
            guard !digits.isEmpty, digits.allSatisfy(\.isNumber) else {
                throw APIError.invalidParameter("Contains", "must be digits")
            }
            filter.contains = digits
            filters.append(("Contains", contains))
        }
        if let sms = try query.bool("SmsEnabled") {
            filter.smsSupported = sms
            filters.append(("SmsEnabled", String(sms)))
        }
        if let tier = query.string("PriceTier") {
            guard let parsed = PriceTier(rawValue: tier.uppercased()) else {
                throw APIError.invalidParameter("PriceTier", "must be REGULAR or PREMIUM")
            }
            filter.priceTier = parsed
            filters.append(("PriceTier", tier))
        }
        guard try await numbers.poolSize() > 0 else { throw APIError.noNumberPool }
        let result = try await numbers.available(filter, at: clock.now(), page: try query.pageRequest())
        let page = ListPage(
            path: "/Accounts/\(account.sid)/AvailablePhoneNumbers/BE/\(kind)", key: "available_phone_numbers",
            listElement: "AvailablePhoneNumbers", itemElement: "AvailablePhoneNumber")
        return page.response(result, filters: filters, context: context) { number in
            .object([
                "friendly_name": .string(NationalFormat.format(number.e164)),
                "phone_number": .string(number.e164),
                "iso_country": .string("BE"),
                "region": .string(number.zone),
                "address_requirements": .string(number.type == .fixed ? "local" : "none"),
                "beta": .boolean(false),
                "price_tier": .string(number.priceTier.rawValue),
                "capabilities": .object([
                    "voice": .boolean(true), "SMS": .boolean(number.smsSupported), "MMS": .boolean(false),
                    "fax": .boolean(false),
                ]),
            ])
        }
    }
}
