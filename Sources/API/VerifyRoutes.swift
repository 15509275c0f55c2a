import Foundation
import Hummingbird
import Messaging
import Store

/// Twilio Verify v2 (`/v2/Services…`), so `client.verify.v2` of the twilio libraries works with
/// its base URL pointed at Parley: services, verifications and checks, in JSON with ISO 8601
/// dates and Verify's `meta` paging. The account is the one the Basic credentials name.
struct VerifyRoutes {
    let verify: VerifyService

    func register(on group: RouterGroup<ParleyRequestContext>) {
        group.post("Services") { request, context in
            let account = try Self.writer(context)
            let service = try await refusing { try await verify.createService(account: account.sid, try await Self.settings(request)) }
            return Self.json(Self.representation(service), status: .created)
        }
        group.get("Services") { request, context in
            let account = try context.requireAuthenticated()
            let query = try request.queryForm()
            let page = try query.pageRequest()
            let result = try await verify.services(account: account.sid, page: page)
            return Self.json(Self.page(result, key: "services", path: "/v2/Services") { Self.representation($0) })
        }
        group.get("Services/{serviceSid}") { _, context in
            let account = try context.requireAuthenticated()
            let service = try await refusing { try await verify.service(account: account.sid, sid: try context.sidParameter("serviceSid")) }
            return Self.json(Self.representation(service))
        }
        group.post("Services/{serviceSid}") { request, context in
            let account = try Self.writer(context)
            let settings = try await Self.settings(request)
            let service = try await refusing { try await verify.updateService(account: account.sid, sid: try context.sidParameter("serviceSid"), settings) }
            return Self.json(Self.representation(service))
        }
        group.delete("Services/{serviceSid}") { _, context in
            let account = try Self.writer(context)
            try await refusing { try await verify.deleteService(account: account.sid, sid: try context.sidParameter("serviceSid")) }
            return ResourceResponse.noContent()
        }
        group.post("Services/{serviceSid}/Verifications") { request, context in
            let account = try Self.writer(context)
            let form = try await request.formParameters()
            let (verification, attempts) = try await refusing {
                try await verify.start(
                    account: account.sid, serviceSid: try context.sidParameter("serviceSid"), to: try form.requiredString("To"),
                    channel: try form.requiredString("Channel"), locale: form.string("Locale"),
                    customFriendlyName: form.string("CustomFriendlyName"), email: try Self.fallbackEmail(form), source: context.remoteAddress)
            }
            return Self.json(Self.representation(verification, attempts), status: .created)
        }
        group.get("Services/{serviceSid}/Verifications/{sid}") { _, context in
            let account = try context.requireAuthenticated()
            let (verification, attempts) = try await refusing {
                try await verify.verification(
                    account: account.sid, serviceSid: try context.sidParameter("serviceSid"), sid: try context.sidParameter("sid"))
            }
            return Self.json(Self.representation(verification, attempts))
        }
        group.post("Services/{serviceSid}/Verifications/{sid}") { request, context in
            let account = try Self.writer(context)
            let status = try await request.formParameters().choice("Status", as: VerificationStatus.self)
            guard let status else { throw APIError.missingParameter("Status") }
            let (verification, attempts) = try await refusing {
                try await verify.update(
                    account: account.sid, serviceSid: try context.sidParameter("serviceSid"), sid: try context.sidParameter("sid"), status: status)
            }
            return Self.json(Self.representation(verification, attempts))
        }
        group.post("Services/{serviceSid}/VerificationCheck") { request, context in
            let account = try Self.writer(context)
            let form = try await request.formParameters()
            let verificationSid: VerificationSid?? = try form.sid("VerificationSid")
            let (verification, valid) = try await refusing {
                try await verify.check(
                    account: account.sid, serviceSid: try context.sidParameter("serviceSid"), to: form.string("To"),
                    verificationSid: verificationSid ?? nil, code: try form.requiredString("Code"))
            }
            return Self.json(
                .object([
                    "sid": .string(verification.sid.rawValue), "service_sid": .string(verification.serviceSid.rawValue),
                    "account_sid": .string(verification.accountSid.rawValue), "to": .string(verification.to), "channel": .string(verification.channel),
                    "status": .string(verification.status.rawValue), "valid": .boolean(valid), "amount": .null, "payee": .null,
                    "sna_attempts_error_codes": .array(element: "Code", []), "date_created": .string(Self.iso(verification.dateCreated)),
                    "date_updated": .string(Self.iso(verification.dateUpdated)),
                ]))
        }
    }

    /// Runs `work`, turning Verify's refusals into Twilio's error bodies.
    private func refusing<T>(_ work: () async throws -> T) async throws -> T {
        do {
            return try await work()
        } catch let refusal as VerifyRefusal {
            throw APIError(status: .init(code: refusal.status), code: refusal.code, message: refusal.message)
        }
    }

    /// The address the e-mail channel may use for a number: `Email`, or `email` in the JSON of
    /// `ChannelConfiguration` (the twilio libraries send only Verify's own parameters).
    private static func fallbackEmail(_ form: FormParameters) throws -> String? {
        if let email = form.string("Email") { return email }
        guard let text = form.string("ChannelConfiguration") else { return nil }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw APIError.invalidParameter("ChannelConfiguration", "not a JSON object")
        }
        return object["email"] as? String
    }

    private static func writer(_ context: ParleyRequestContext) throws -> Account {
        let account = try context.requireAuthenticated()
        guard account.status == .active else { throw APIError.inactiveAccount }
        return account
    }

    private static func settings(_ request: Request) async throws -> VerifyService.ServiceSettings {
        let form = try await request.formParameters()
        var order: [VerificationChannel]?
        if let text = form.string("ChannelOrder") {
            order = try text.split(separator: ",").map { name in
                guard let channel = VerificationChannel(rawValue: name.trimmingCharacters(in: .whitespaces).lowercased()) else {
                    throw APIError.invalidParameter("ChannelOrder", "'\(name)' is not sms, call or email")
                }
                return channel
            }
        }
        return VerifyService.ServiceSettings(
            friendlyName: form.string("FriendlyName"), codeLength: try form.integer("CodeLength", in: 1...100),
            defaultLocale: form.string("DefaultLocale"), channelOrder: order)
    }

    static func representation(_ service: VerifyServiceRecord) -> ResourceValue {
        let url = "/v2/Services/\(service.sid.rawValue)"
        return .object([
            "sid": .string(service.sid.rawValue), "account_sid": .string(service.accountSid.rawValue),
            "friendly_name": .string(service.friendlyName), "code_length": .integer(service.codeLength),
            "default_locale": .string(service.defaultLocale), "channel_order": .string(service.channelOrder.map(\.rawValue).joined(separator: ",")),
            "lookup_enabled": .boolean(false), "psd2_enabled": .boolean(false), "skip_sms_to_landlines": .boolean(true),
            "dtmf_input_required": .boolean(false), "tts_name": .null, "do_not_share_warning_enabled": .boolean(false),
            "custom_code_enabled": .boolean(false), "date_created": .string(iso(service.dateCreated)),
            "date_updated": .string(iso(service.dateUpdated)), "url": .string(url),
            "links": .object(["verifications": .string(url + "/Verifications"), "verification_checks": .string(url + "/VerificationCheck")]),
        ])
    }

    static func representation(_ verification: VerificationRecord, _ attempts: [VerificationAttempt]) -> ResourceValue {
        .object([
            "sid": .string(verification.sid.rawValue), "service_sid": .string(verification.serviceSid.rawValue),
            "account_sid": .string(verification.accountSid.rawValue), "to": .string(verification.to),
            "channel": .string(attempts.last?.channel.rawValue ?? verification.channel), "status": .string(verification.status.rawValue),
            "valid": .boolean(verification.status == .approved), "lookup": .object([ResourceValue.Field]()), "amount": .null, "payee": .null,
            "send_code_attempts": .array(
                element: "Attempt",
                attempts.map { attempt in
                    .object([
                        "attempt_sid": .string(attempt.sid.rawValue), "channel": .string(attempt.channel.rawValue),
                        "time": .string(iso(attempt.dateCreated)), "outcome": .string(attempt.outcome.rawValue), "detail": .text(attempt.detail),
                    ])
                }),
            "date_created": .string(iso(verification.dateCreated)), "date_updated": .string(iso(verification.dateUpdated)),
            "sna": .null, "url": .string("/v2/Services/\(verification.serviceSid.rawValue)/Verifications/\(verification.sid.rawValue)"),
        ])
    }

    /// Verify's list shape: the items and a `meta` object with the page links.
    static func page<Item>(_ result: PageResult<Item>, key: String, path: String, item: (Item) -> ResourceValue) -> ResourceValue {
        let request = result.request
        func link(_ page: Int) -> ResourceValue { .string("\(path)?PageSize=\(request.size)&Page=\(page)") }
        let hasNext = request.offset + result.items.count < result.total
        return .object([
            ResourceValue.Field(key, .array(element: "Item", result.items.map(item))),
            ResourceValue.Field(
                "meta",
                .object([
                    "page": .integer(request.page), "page_size": .integer(request.size), "first_page_url": link(0),
                    "previous_page_url": request.page > 0 ? link(request.page - 1) : .null, "url": link(request.page),
                    "next_page_url": hasNext ? link(request.page + 1) : .null, "key": .string(key),
                ])),
        ])
    }

    static func json(_ value: ResourceValue, status: HTTPResponse.Status = .ok) -> Response {
        var response = Response(status: status, body: .init(byteBuffer: ByteBuffer(string: value.json)))
        response.headers[.contentType] = "application/json; charset=utf-8"
        return response
    }

    static func iso(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
