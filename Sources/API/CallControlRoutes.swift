import Foundation
import Hummingbird
import Store
import Voice

/// Starting calls (`POST Calls`) and steering live ones by CallSid (`POST Calls/{CallSid}`
/// with `Url` to run new RCML, `Status=canceled|completed` to hang up).
struct CallControlRoutes {
    let accounts: any AccountRepository
    let applications: any ApplicationRepository
    let calls: any CallRepository
    let outbound: OutboundCalls
    let live: LiveCalls
    var scope: AccountScope { AccountScope(accounts: accounts) }

    func register(on group: RouterGroup<ParleyRequestContext>) {
        group.post("Accounts/{accountSid}/Calls") { request, context in try await create(request, context) }
        group.update("Accounts/{accountSid}/Calls/{sid}") { request, context in try await update(request, context) }
    }

    private func create(_ request: Request, _ context: ParleyRequestContext) async throws -> Response {
        let account = try await scope.resolve(context, access: .write)
        guard live.acceptsNewCalls else { throw APIError.draining }
        let form = try await request.formParameters()
        let to = try form.requiredString("To")
        let from = try form.requiredString("From")
        let (application, applicationCallback) = try await instructions(form, account: account.sid)
        let timeout = try form.integer("Timeout", in: 1...600) ?? 60
        let request = OutboundCallRequest(
            account: account.sid, from: from, to: to, application: application,
            statusCallback: try Self.statusCallback(form) ?? applicationCallback, timeout: timeout)
        let record: CallRecord
        do {
            record = try await outbound.start(request)
        } catch OutboundCallError.invalidTo(let value) {
            throw APIError(status: .badRequest, code: 21211, message: "Invalid 'To' Phone Number: \(value)")
        } catch OutboundCallError.refused(let refusal) {
            switch refusal {
            case .unsafe: throw APIError(status: .badRequest, code: 21211, message: "Invalid 'To' Phone Number: \(refusal)")
            default: throw APIError(status: .badRequest, code: 21215, message: "Invalid parameter To: \(refusal)")
            }
        } catch OutboundCallError.callerIDNotOwned(let value) {
            throw APIError(status: .badRequest, code: 21210, message: "Invalid parameter From: \(value) is not a number of this account")
        } catch OutboundCallError.noTrunk {
            throw APIError(status: .badRequest, code: 21215, message: "Invalid parameter To: no trunk is configured for PSTN calls")
        } catch OutboundCallError.limitReached(let refusal) {
            throw APIError(status: .tooManyRequests, code: 20429, message: "Too Many Requests: \(refusal)")
        } catch OutboundCallError.unresolvable(let host) {
            throw APIError(status: .badRequest, code: 21211, message: "Invalid 'To' Phone Number: the host \(host) does not resolve")
        }
        return ResourceResponse.make(
            CallsRoutes.representation(record, context: context), element: "Call", status: .created, context: context)
    }

    /// What the call runs once answered, as Twilio takes it: `Url` (with `Method` and the
    /// fallback), `Twiml` (a document of up to 4,000 characters, checked now), or
    /// `ApplicationSid` (the application's voice URL and, unless `StatusCallback` is given,
    /// its status callback). Exactly one of them.
    private func instructions(_ form: FormParameters, account: AccountSid) async throws -> (WebhookTarget, StatusCallback?) {
        let url = try form.url("Url") ?? nil
        let twiml = form.string("Twiml")
        let applicationSid = form.string("ApplicationSid")
        switch [url != nil, twiml != nil, applicationSid != nil].filter({ $0 }).count {
        case 0: throw APIError.missingParameter("Url (or Twiml, or ApplicationSid)")
        case 1: break
        default: throw APIError.invalidParameter("Url", "give only one of Url, Twiml and ApplicationSid")
        }
        if let url {
            let target = WebhookTarget(
                url: url, method: try form.method("Method") ?? .post, fallbackURL: try form.url("FallbackUrl") ?? nil,
                fallbackMethod: try form.method("FallbackMethod") ?? .post)
            return (target, nil)
        }
        if let twiml {
            guard twiml.count <= 4000 else { throw APIError.invalidParameter("Twiml", "longer than 4000 characters") }
            do {
                let document = try RCMLDocument(parsing: twiml)
                _ = try RCMLVerb.program(document)
                return (WebhookTarget(document: document), nil)
            } catch {
                throw APIError(status: .badRequest, code: 12100, message: "Invalid parameter Twiml: \(error)")
            }
        }
        guard let sid = applicationSid.flatMap({ ApplicationSid($0) }),
            let found = try await applications.find(sid, account: account)
        else { throw APIError.invalidParameter("ApplicationSid", "no application of this account has that SID") }
        guard let target = WebhookTarget(application: found) else {
            throw APIError.invalidParameter("ApplicationSid", "the application has no voice URL")
        }
        return (target, found.statusCallback.map { StatusCallback(url: $0, method: found.statusCallbackMethod) })
    }

    private func update(_ request: Request, _ context: ParleyRequestContext) async throws -> Response {
        let account = try await scope.resolve(context, access: .write)
        let sid: CallSid = try context.sidParameter("sid")
        guard try await calls.find(sid, account: account.sid) != nil else { throw APIError.notFound(sid.rawValue) }
        let form = try await request.formParameters()
        guard let status = try form.choice("Status", as: CallStatus.self) else {
            guard case .some(.some(let url)) = try form.url("Url") else { throw APIError.missingParameter("Url") }
            let target = WebhookTarget(
                url: url, method: try form.method("Method") ?? .post, fallbackURL: try form.url("FallbackUrl") ?? nil,
                fallbackMethod: try form.method("FallbackMethod") ?? .post)
            guard await live.redirect(sid, to: target) else { throw APIError.conflict("Call \(sid) is not in progress") }
            return try await representation(sid, account: account.sid, context: context)
        }
        guard status == .canceled || status == .completed else {
            throw APIError.invalidParameter("Status", "must be canceled or completed")
        }
        guard await live.hangUp(sid, onlyIfUnanswered: status == .canceled) else {
            throw APIError.conflict("Call \(sid) is not in progress" + (status == .canceled ? " or already answered" : ""))
        }
        // The leg writes its final record once the far end confirmed; give it that moment.
        var record = try await calls.find(sid, account: account.sid)
        for _ in 0..<20 where record?.status.isFinal == false {
            try await Task.sleep(for: .milliseconds(50))
            record = try await calls.find(sid, account: account.sid)
        }
        guard let record else { throw APIError.notFound(sid.rawValue) }
        return ResourceResponse.make(CallsRoutes.representation(record, context: context), element: "Call", context: context)
    }

    private func representation(_ sid: CallSid, account: AccountSid, context: ParleyRequestContext) async throws -> Response {
        guard let record = try await calls.find(sid, account: account) else { throw APIError.notFound(sid.rawValue) }
        return ResourceResponse.make(CallsRoutes.representation(record, context: context), element: "Call", context: context)
    }

    /// `StatusCallback`, `StatusCallbackMethod` and `StatusCallbackEvent`; nil without a URL.
    static func statusCallback(_ form: FormParameters) throws -> StatusCallback? {
        guard case .some(.some(let url)) = try form.url("StatusCallback") else { return nil }
        var events: Set<StatusCallback.Event> = []
        for text in form.strings("StatusCallbackEvent") {
            switch StatusCallback.events(parsing: text) {
            case .success(let parsed): events.formUnion(parsed)
            case .failure(let unknown):
                throw APIError.invalidParameter("StatusCallbackEvent", "unknown event '\(unknown.name)' (initiated, ringing, answered, completed)")
            }
        }
        return StatusCallback(url: url, method: try form.method("StatusCallbackMethod") ?? .post, events: events)
    }
}
