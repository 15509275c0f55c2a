import Foundation
import Hummingbird
import SIP
import Store

/// The operator's view across tenants, for administrator accounts only (403 otherwise):
/// `GET Admin/Calls` (the calls not finished, oldest first) and `GET Admin/Registrations`
/// (every Client contact registered now).
struct AdminRoutes {
    let calls: any CallRepository
    let registrar: Registrar

    func register(on group: RouterGroup<ParleyRequestContext>) {
        group.get("Admin/Calls") { _, context in
            try Self.requireAdministrator(context)
            let live = try await calls.unfinished()
            let page = ListPage(path: "/Admin/Calls", key: "calls", listElement: "Calls", itemElement: "Call")
            return page.response(PageResult(items: live, total: live.count, request: PageRequest(size: PageRequest.maximumSize)), filters: [], context: context) {
                CallsRoutes.representation($0, context: context)
            }
        }
        group.get("Admin/Registrations") { _, context in
            try Self.requireAdministrator(context)
            let now = Date()
            let all = await registrar.allRegistrations()
            let page = ListPage(path: "/Admin/Registrations", key: "registrations", listElement: "Registrations", itemElement: "Registration")
            return page.response(PageResult(items: all, total: all.count, request: PageRequest(size: PageRequest.maximumSize)), filters: [], context: context) {
                .object([
                    "account_sid": .string($0.accountSid.rawValue), "client_sid": .string($0.clientSid.rawValue), "login": .string($0.login),
                    "contact": .string($0.contact), "user_agent": .text($0.userAgent), "source": .string($0.source),
                    "expires": .integer($0.expires(at: now)), "date_created": .string(RFC2822Date.format($0.registeredAt)),
                ])
            }
        }
    }

    private static func requireAdministrator(_ context: ParleyRequestContext) throws {
        guard try context.requireAuthenticated().role == .administrator else {
            throw APIError.forbidden("Only an administrator account may see every tenant's calls and registrations")
        }
    }
}
