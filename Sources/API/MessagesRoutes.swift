import Foundation
import Hummingbird
import Messaging
import Store

/// SMS: Twilio's Messages (`/Accounts/{AC}/Messages`, what `client.messages.create` calls) and
/// Restcomm's SMS/Messages, one set of handlers. `POST` checks and queues a message (201 once
/// it is written); lists filter by `To`, `From` and `DateSent` (a day, or `<`/`>`).
struct MessagesRoutes {
    let accounts: any AccountRepository
    let messages: any MessageRepository
    let sms: SMSService
    var scope: AccountScope { AccountScope(accounts: accounts) }

    /// The two spellings of the resource: its path, JSON key and XML elements.
    private struct Flavour {
        let path: String
        let key: String
        let listElement: String
        let itemElement: String
    }

    private static let twilio = Flavour(path: "Messages", key: "messages", listElement: "Messages", itemElement: "Message")
    private static let restcomm = Flavour(path: "SMS/Messages", key: "sms_messages", listElement: "SMSMessages", itemElement: "SMSMessage")

    func register(on group: RouterGroup<ParleyRequestContext>) {
        group.get("Accounts/{accountSid}/Messages") { request, context in try await list(request, context, Self.twilio) }
        group.post("Accounts/{accountSid}/Messages") { request, context in try await create(request, context, Self.twilio) }
        group.get("Accounts/{accountSid}/Messages/{sid}") { _, context in try await fetch(context, Self.twilio) }
        group.get("Accounts/{accountSid}/SMS/Messages") { request, context in try await list(request, context, Self.restcomm) }
        group.post("Accounts/{accountSid}/SMS/Messages") { request, context in try await create(request, context, Self.restcomm) }
        group.get("Accounts/{accountSid}/SMS/Messages/{sid}") { _, context in try await fetch(context, Self.restcomm) }
    }

    private func fetch(_ context: ParleyRequestContext, _ flavour: Flavour) async throws -> Response {
        let account = try await scope.resolve(context)
        let sid: MessageSid = try context.sidParameter("sid")
        guard let message = try await messages.find(sid, account: account.sid) else { throw APIError.notFound(sid.rawValue) }
        return ResourceResponse.make(Self.representation(message, flavour.path, context: context), element: flavour.itemElement, context: context)
    }

    private func create(_ request: Request, _ context: ParleyRequestContext, _ flavour: Flavour) async throws -> Response {
        let account = try await scope.resolve(context, access: .write)
        let form = try await request.formParameters()
        let to = try form.requiredString("To")
        let from = try form.requiredString("From")
        let body = form.string("Body") ?? ""
        let callback = try form.url("StatusCallback") ?? nil
        let method = try form.method("StatusCallbackMethod") ?? .post
        let message: MessageRecord
        do {
            message = try await sms.send(
                account: account.sid, from: from, to: to, body: body, statusCallback: callback, statusCallbackMethod: method)
        } catch let refusal as SMSRefusal {
            throw APIError(status: .badRequest, code: refusal.code, message: "Invalid parameter \(refusal.parameter): \(refusal.message)")
        }
        return ResourceResponse.make(
            Self.representation(message, flavour.path, context: context), element: flavour.itemElement, status: .created, context: context)
    }

    private func list(_ request: Request, _ context: ParleyRequestContext, _ flavour: Flavour) async throws -> Response {
        let account = try await scope.resolve(context)
        let query = try request.queryForm()
        var filter = MessageFilter()
        var filters: [(String, String)] = []
        func keep(_ name: String) -> String? {
            guard let value = query.string(name) else { return nil }
            filters.append((name, value))
            return value
        }
        filter.to = keep("To").map { BelgianNumberPlan.normalise($0) ?? $0 }
        filter.from = keep("From")
        // `DateSent` names a day, as a date or (as the twilio library sends it) an instant in it.
        if let day = try keep("DateSent").map({ try CallsRoutes.instant($0, "DateSent") }) {
            let start = Calendar.gmt.startOfDay(for: day.start)
            (filter.sentAfter, filter.sentBefore) = (start, start.addingTimeInterval(86_400))
        }
        if let day = try keep("DateSent>").map({ try CallsRoutes.instant($0, "DateSent>") }) { filter.sentAfter = day.start }
        if let day = try keep("DateSent<").map({ try CallsRoutes.instant($0, "DateSent<") }) { filter.sentBefore = day.end }
        let result = try await messages.list(account: account.sid, filter: filter, page: try query.pageRequest())
        let page = ListPage(
            path: "/Accounts/\(account.sid)/\(flavour.path)", key: flavour.key, listElement: flavour.listElement,
            itemElement: flavour.itemElement)
        return page.response(result, filters: filters, context: context) { Self.representation($0, flavour.path, context: context) }
    }

    static func representation(_ message: MessageRecord, _ path: String, context: ParleyRequestContext) -> ResourceValue {
        let uri = ResourceURI.item(message.accountSid, path, message.sid, context)
        return .object([
            "sid": .string(message.sid.rawValue),
            "account_sid": .string(message.accountSid.rawValue),
            "api_version": .string(context.root.apiVersion),
            "body": .string(message.body),
            "date_created": .string(RFC2822Date.format(message.dateCreated)),
            "date_updated": .string(RFC2822Date.format(message.dateUpdated)),
            "date_sent": .text(message.dateSent.map(RFC2822Date.format)),
            "direction": .string(message.direction.rawValue),
            "error_code": message.errorCode.map(ResourceValue.integer) ?? .null,
            "error_message": .text(message.errorMessage),
            "from": .string(message.from),
            "to": .string(message.to),
            "messaging_service_sid": .null,
            "num_media": .string("0"),
            "num_segments": .string(String(message.segmentCount)),
            "encoding": .string(message.encoding),
            "price": .null,
            "price_unit": .string("EUR"),
            "status": .string(message.status.rawValue),
            "attempts": .integer(message.attempts),
            "uri": .string(uri),
            "subresource_uris": .object(["media": .string(uri.replacingOccurrences(of: ".json", with: "/Media.json"))]),
        ])
    }
}
