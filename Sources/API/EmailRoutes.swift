import Foundation
import Hummingbird
import Messaging
import Store

/// E-mail: Restcomm's `/Accounts/{AC}/Email/Messages`. `POST` (`To`, `Cc`, `Bcc` comma-separated
/// or repeated, `From`, `Subject`, `Body`, `Type` text/plain or text/html) checks and queues a
/// message (201 once written); GET lists them, newest first, or fetches one.
struct EmailRoutes {
    let accounts: any AccountRepository
    let emails: any EmailRepository
    let service: EmailService
    var scope: AccountScope { AccountScope(accounts: accounts) }

    func register(on group: RouterGroup<ParleyRequestContext>) {
        group.get("Accounts/{accountSid}/Email/Messages") { request, context in
            let account = try await scope.resolve(context)
            let result = try await emails.list(account: account.sid, page: try request.queryForm().pageRequest())
            let page = ListPage(path: "/Accounts/\(account.sid)/Email/Messages", key: "email_messages", listElement: "EmailMessages", itemElement: "EmailMessage")
            return page.response(result, filters: [], context: context) { Self.representation($0, context: context) }
        }
        group.post("Accounts/{accountSid}/Email/Messages") { request, context in try await create(request, context) }
        group.get("Accounts/{accountSid}/Email/Messages/{sid}") { _, context in
            let account = try await scope.resolve(context)
            let sid: EmailSid = try context.sidParameter("sid")
            guard let email = try await emails.find(sid, account: account.sid) else { throw APIError.notFound(sid.rawValue) }
            return ResourceResponse.make(Self.representation(email, context: context), element: "EmailMessage", context: context)
        }
    }

    private func create(_ request: Request, _ context: ParleyRequestContext) async throws -> Response {
        let account = try await scope.resolve(context, access: .write)
        let form = try await request.formParameters()
        func addresses(_ name: String) -> [String] {
            form.strings(name).flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        let type = form.string("Type") ?? "text/plain"
        guard type == "text/plain" || type == "text/html" else { throw APIError.invalidParameter("Type", "must be text/plain or text/html") }
        let email: EmailRecord
        do {
            email = try await service.send(
                account: account.sid, from: form.string("From"), to: addresses("To"), cc: addresses("Cc"), bcc: addresses("Bcc"),
                subject: form.string("Subject"), body: try form.requiredString("Body"), isHTML: type == "text/html")
        } catch let refusal as EmailRefusal {
            throw APIError.invalidParameter(refusal.parameter, refusal.message)
        }
        return ResourceResponse.make(Self.representation(email, context: context), element: "EmailMessage", status: .created, context: context)
    }

    static func representation(_ email: EmailRecord, context: ParleyRequestContext) -> ResourceValue {
        .object([
            "sid": .string(email.sid.rawValue),
            "account_sid": .string(email.accountSid.rawValue),
            "api_version": .string(context.root.apiVersion),
            "from": .string(email.from),
            "to": .string(email.to.joined(separator: ",")),
            "cc": .string(email.cc.joined(separator: ",")),
            "bcc": .string(email.bcc.joined(separator: ",")),
            "subject": .string(email.subject),
            "body": .string(email.body),
            "type": .string(email.isHTML ? "text/html" : "text/plain"),
            "status": .string(email.status.rawValue),
            "attempts": .integer(email.attempts),
            "server_reply": .text(email.serverReply),
            "call_sid": .text(email.callSid?.rawValue),
            "date_created": .string(RFC2822Date.format(email.dateCreated)),
            "date_updated": .string(RFC2822Date.format(email.dateUpdated)),
            "date_sent": .text(email.dateSent.map(RFC2822Date.format)),
            "uri": .string(ResourceURI.item(email.accountSid, "Email/Messages", email.sid, context)),
        ])
    }
}
