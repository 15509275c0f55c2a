import Hummingbird
import Store

/// Notifications: the account's error log, read-only (the voice layer writes it).
struct NotificationsRoutes {
    let accounts: any AccountRepository
    let notifications: any NotificationRepository
    var scope: AccountScope { AccountScope(accounts: accounts) }

    func register(on group: RouterGroup<ParleyRequestContext>) {
        group.get("Accounts/{accountSid}/Notifications") { request, context in
            try await list(request, context)
        }
        group.get("Accounts/{accountSid}/Notifications/{sid}") { _, context in
            let account = try await scope.resolve(context)
            let sid: NotificationSid = try context.sidParameter("sid")
            guard let entry = try await notifications.find(sid, account: account.sid) else {
                throw APIError.notFound(sid.rawValue)
            }
            return ResourceResponse.make(
                representation(entry, context: context), element: "Notification", context: context)
        }
        group.delete("Accounts/{accountSid}/Notifications/{sid}") { _, context in
            let account = try await scope.resolve(context, access: .write)
            let sid: NotificationSid = try context.sidParameter("sid")
            guard try await notifications.delete(sid, account: account.sid) else { throw APIError.notFound(sid.rawValue) }
            return ResourceResponse.noContent()
        }
    }

    private func list(_ request: Request, _ context: ParleyRequestContext) async throws -> Response {
        let account = try await scope.resolve(context)
        let query = try request.queryForm()
        var filters: [(String, String)] = []
        var filter = NotificationFilter()
        if let log = try query.integer("Log", in: 0...1) {
            filter.level = NotificationLevel(rawValue: log)
            filters.append(("Log", String(log)))
        }
        if let callSid: CallSid? = try query.sid("CallSid"), let callSid {
            filter.callSid = callSid
            filters.append(("CallSid", callSid.rawValue))
        }
        let result = try await notifications.list(
            account: account.sid, filter: filter, page: try query.pageRequest())
        let page = ListPage(
            path: "/Accounts/\(account.sid)/Notifications", key: "notifications",
            listElement: "Notifications", itemElement: "Notification")
        return page.response(result, filters: filters, context: context) {
            representation($0, context: context)
        }
    }

    private func representation(_ entry: NotificationEntry, context: ParleyRequestContext)
        -> ResourceValue
    {
        .object([
            "sid": .string(entry.sid.rawValue),
            "account_sid": .string(entry.accountSid.rawValue),
            "call_sid": .text(entry.callSid?.rawValue),
            "api_version": .string(context.root.apiVersion),
            "log": .string(String(entry.level.rawValue)),
            "error_code": .string(String(entry.errorCode)),
            "more_info": .string(entry.moreInfo),
            "message_text": .string(entry.messageText),
            "message_date": .string(RFC2822Date.format(entry.messageDate)),
            "request_url": .text(entry.requestUrl),
            "request_method": .text(entry.requestMethod?.rawValue),
            "request_variables": .text(entry.requestVariables),
            "response_headers": .text(entry.responseHeaders),
            "response_body": .text(entry.responseBody),
            "date_created": .string(RFC2822Date.format(entry.dateCreated)),
            "date_updated": .string(RFC2822Date.format(entry.dateCreated)),
            "uri": .string(
                ResourceURI.item(entry.accountSid, "Notifications", entry.sid, context)),
        ])
    }
}
