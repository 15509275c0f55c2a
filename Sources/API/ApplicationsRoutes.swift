import Foundation
import Hummingbird
import Store

/// Applications: where Parley fetches RCML for the numbers and Clients bound to them.
struct ApplicationsRoutes {
    let accounts: any AccountRepository
    let applications: any ApplicationRepository
    var scope: AccountScope { AccountScope(accounts: accounts) }
    var editor: ApplicationEditor { ApplicationEditor(applications: applications) }

    func register(on group: RouterGroup<ParleyRequestContext>) {
        let list = "Accounts/{accountSid}/Applications"
        let item = "Accounts/{accountSid}/Applications/{sid}"
        group.get(RouterPath(list)) { request, context in try await self.list(request, context) }
        group.post(RouterPath(list)) { request, context in try await create(request, context) }
        group.get(RouterPath(item)) { _, context in
            let account = try await scope.resolve(context)
            return render(try await find(account, context), context: context)
        }
        group.update(item) { request, context in try await update(request, context) }
        group.delete(RouterPath(item)) { _, context in
            let account = try await scope.resolve(context, access: .write)
            let sid: ApplicationSid = try context.sidParameter("sid")
            guard try await applications.delete(sid, account: account.sid) else {
                throw APIError.notFound(sid.rawValue)
            }
            return ResourceResponse.noContent()
        }
    }

    private func list(_ request: Request, _ context: ParleyRequestContext) async throws -> Response {
        let account = try await scope.resolve(context)
        let query = try request.queryForm()
        let name = query.string("FriendlyName")
        let result = try await applications.list(
            account: account.sid, friendlyName: name, page: try query.pageRequest())
        let page = ListPage(
            path: "/Accounts/\(account.sid)/Applications", key: "applications",
            listElement: "Applications", itemElement: "Application")
        return page.response(
            result, filters: name.map { [("FriendlyName", $0)] } ?? [], context: context
        ) { representation($0, context: context) }
    }

    private func create(_ request: Request, _ context: ParleyRequestContext) async throws -> Response {
        let account = try await scope.resolve(context, access: .write)
        let application = try await editor.create(in: account.sid, form: try await request.formParameters())
        return render(application, status: .created, context: context)
    }

    private func update(_ request: Request, _ context: ParleyRequestContext) async throws -> Response {
        let account = try await scope.resolve(context, access: .write)
        let application = try await editor.update(try await find(account, context), form: try await request.formParameters())
        return render(application, context: context)
    }

    private func find(_ account: Account, _ context: ParleyRequestContext) async throws -> Store.Application {
        try await editor.find(try context.sidParameter("sid"), in: account.sid)
    }

    private func render(
        _ application: Store.Application, status: HTTPResponse.Status = .ok,
        context: ParleyRequestContext
    ) -> Response {
        ResourceResponse.make(
            representation(application, context: context), element: "Application",
            status: status, context: context)
    }

    private func representation(_ application: Store.Application, context: ParleyRequestContext)
        -> ResourceValue
    {
        .object([
            "sid": .string(application.sid.rawValue),
            "account_sid": .string(application.accountSid.rawValue),
            "friendly_name": .string(application.friendlyName),
            "api_version": .string(context.root.apiVersion),
            "voice_url": .text(application.voiceUrl),
            "rcml_url": .text(application.voiceUrl),
            "voice_method": .string(application.voiceMethod.rawValue),
            "voice_fallback_url": .text(application.voiceFallbackUrl),
            "voice_fallback_method": .string(application.voiceFallbackMethod.rawValue),
            "status_callback": .text(application.statusCallback),
            "status_callback_method": .string(application.statusCallbackMethod.rawValue),
            "voice_caller_id_lookup": .boolean(application.voiceCallerIdLookup),
            "kind": .string(application.kind.rawValue),
            "date_created": .string(RFC2822Date.format(application.dateCreated)),
            "date_updated": .string(RFC2822Date.format(application.dateUpdated)),
            "uri": .string(
                ResourceURI.item(application.accountSid, "Applications", application.sid, context)),
        ])
    }
}
