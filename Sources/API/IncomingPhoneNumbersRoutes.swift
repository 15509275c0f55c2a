import Foundation
import Hummingbird
import Store

/// The account's reserved numbers as Twilio's IncomingPhoneNumbers: creating one reserves a
/// number of the pool, deleting one releases it into its 15-day freeze, updating one binds it
/// to an application (`VoiceApplicationSid` wins over `VoiceUrl`).
struct IncomingPhoneNumbersRoutes {
    let accounts: any AccountRepository
    let numbers: any NumberRepository
    let editor: NumberEditor
    var scope: AccountScope { AccountScope(accounts: accounts) }

    func register(on group: RouterGroup<ParleyRequestContext>) {
        let list = "Accounts/{accountSid}/IncomingPhoneNumbers"
        for (suffix, type) in [("", nil), ("/Local", NumberType.fixed), ("/Mobile", .mobile)] {
            group.get(RouterPath(list + suffix)) { request, context in
                try await self.list(request, context, type: type)
            }
            group.post(RouterPath(list + suffix)) { request, context in
                try await create(request, context, type: type)
            }
        }
        let item = list + "/{sid}"
        group.get(RouterPath(item)) { _, context in
            let account = try await scope.resolve(context)
            return render(try await find(account, context), context: context)
        }
        group.update(item) { request, context in try await update(request, context) }
        group.delete(RouterPath(item)) { _, context in
            let account = try await scope.resolve(context, access: .write)
            try await editor.release(try context.sidParameter("sid"), of: account.sid)
            return ResourceResponse.noContent()
        }
    }

    private func list(_ request: Request, _ context: ParleyRequestContext, type: NumberType?) async throws -> Response {
        let account = try await scope.resolve(context)
        let query = try request.queryForm()
        var filter = NumberFilter(type: type)
        var filters: [(String, String)] = []
        if let number = query.string("PhoneNumber") {
            filters.append(("PhoneNumber", number))
            if let e164 = BelgianNumberPlan.normalise(number) {
                filter.e164 = e164
            } else {
                let digits = number.filter(\.isNumber)
                guard !digits.isEmpty else {
                    throw APIError.invalidParameter("PhoneNumber", "'\(number)' holds no digits")
                }
                filter.contains = digits
            }
        }
        var result = try await numbers.owned(by: account.sid, filter: filter, page: try query.pageRequest())
        if let name = query.string("FriendlyName") {
            // Friendly names are few per account; filtering here keeps the pool query simple.
            filters.append(("FriendlyName", name))
            let all = try await numbers.owned(by: account.sid, filter: filter, page: PageRequest(size: PageRequest.maximumSize))
            let matching = all.items.filter { Self.friendlyName($0) == name }
            let page = try query.pageRequest()
            result = PageResult(
                items: Array(matching.dropFirst(page.offset).prefix(page.size)), total: matching.count, request: page)
        }
        let page = ListPage(
            path: "/Accounts/\(account.sid)/IncomingPhoneNumbers", key: "incoming_phone_numbers",
            listElement: "IncomingPhoneNumbers", itemElement: "IncomingPhoneNumber")
        return page.response(result, filters: filters, context: context) { representation($0, context: context) }
    }

    private func create(_ request: Request, _ context: ParleyRequestContext, type: NumberType?) async throws -> Response {
        let account = try await scope.resolve(context, access: .write)
        let number = try await editor.reserve(in: account.sid, type: type, form: try await request.formParameters())
        return render(number, status: .created, context: context)
    }

    private func update(_ request: Request, _ context: ParleyRequestContext) async throws -> Response {
        let account = try await scope.resolve(context, access: .write)
        let number = try await editor.update(try await find(account, context), form: try await request.formParameters())
        return render(number, context: context)
    }

    private func find(_ account: Account, _ context: ParleyRequestContext) async throws -> PhoneNumber {
        try await editor.find(try context.sidParameter("sid"), in: account.sid)
    }

    private func render(_ number: PhoneNumber, status: HTTPResponse.Status = .ok, context: ParleyRequestContext) -> Response {
        ResourceResponse.make(
            representation(number, context: context), element: "IncomingPhoneNumber", status: status, context: context)
    }

    static func friendlyName(_ number: PhoneNumber) -> String {
        number.routing.friendlyName ?? NationalFormat.format(number.e164)
    }

    private func representation(_ number: PhoneNumber, context: ParleyRequestContext) -> ResourceValue {
        let routing = number.routing
        let sid = number.sid?.rawValue ?? ""
        let account = number.accountSid?.rawValue ?? ""
        let reserved = number.reservedAt.map(RFC2822Date.format)
        return .object([
            "sid": .string(sid),
            "account_sid": .string(account),
            "friendly_name": .string(Self.friendlyName(number)),
            "phone_number": .string(number.e164),
            "api_version": .string(context.root.apiVersion),
            "type": .string(number.type == .fixed ? "local" : "mobile"),
            "zone": .string(number.zone),
            "price_tier": .string(number.priceTier.rawValue),
            "voice_url": .text(routing.voiceUrl),
            "voice_method": .string(routing.voiceMethod.rawValue),
            "voice_fallback_url": .text(routing.voiceFallbackUrl),
            "voice_fallback_method": .string(routing.voiceFallbackMethod.rawValue),
            "voice_caller_id_lookup": .boolean(false),
            "voice_application_sid": .text(routing.voiceApplicationSid?.rawValue),
            "status_callback": .text(routing.statusCallback),
            "status_callback_method": .string(routing.statusCallbackMethod.rawValue),
            "sms_url": .text(routing.smsUrl),
            "sms_method": .string(routing.smsMethod.rawValue),
            "sms_fallback_url": .text(routing.smsFallbackUrl),
            "sms_fallback_method": .string(routing.smsFallbackMethod.rawValue),
            "sms_application_sid": .text(routing.smsApplicationSid?.rawValue),
            "capabilities": .object([
                "voice": .boolean(true), "sms": .boolean(number.smsSupported), "mms": .boolean(false),
                "fax": .boolean(false),
            ]),
            "address_requirements": .string(number.type == .fixed ? "local" : "none"),
            "beta": .boolean(false),
            "status": .string("in-use"),
            "origin": .string("parley"),
            "date_created": .text(reserved),
            "date_updated": .text(reserved),
            "uri": .string(context.root.path + "/Accounts/\(account)/IncomingPhoneNumbers/\(sid).json"),
        ])
    }
}
