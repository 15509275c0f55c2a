import Hummingbird
import Store

/// Twilio's AvailablePhoneNumbers for Belgium: `BE/Local` lists fixed numbers of the pool,
/// `BE/Mobile` mobile ones, so `client.available_phone_numbers('BE').local.list()` works.
struct AvailablePhoneNumbersRoutes {
    let accounts: any AccountRepository
    let editor: NumberEditor
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
        let filter = try NumberEditor.searchFilter(type: type, form: query)
        let filters = ["AreaCode", "Contains", "SmsEnabled", "PriceTier"].compactMap { name in query.string(name).map { (name, $0) } }
        let result = try await editor.available(filter, page: try query.pageRequest())
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
