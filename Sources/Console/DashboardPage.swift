import API
import Foundation
import Hummingbird
import Store

/// The first page after sign-in: what is happening in the account now and today.
struct DashboardPage {
    let routes: ConsoleRoutes

    func register(on console: RouterGroup<ParleyRequestContext>) {
        console.get("dashboard") { request, _ in
            await routes.respond(request) {
                let visit = try await routes.gate.visit(request)
                var data = routes.frame(visit, section: "dashboard", title: "Dashboard")
                data.merge(try await summary(of: visit.account.sid)) { $1 }
                return routes.pages.page("dashboard", data)
            }
        }
    }

    private func summary(of account: AccountSid) async throws -> [String: Any] {
        let api = routes.services.api
        let one = PageRequest(size: 1)
        func calls(_ change: (inout CallFilter) -> Void) async throws -> Int {
            var filter = CallFilter()
            change(&filter)
            return try await api.calls.list(account: account, filter: filter, page: one).total
        }
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = .gmt
        let startOfDay = utc.startOfDay(for: api.clock.now())
        let live = try await calls { $0.status = .inProgress } + calls { $0.status = .ringing }
        let today = try await calls { $0.startedAfter = startOfDay }
        let messages = try await api.messages.list(account: account, filter: MessageFilter(sentAfter: startOfDay), page: one).total
        let clients = try await api.clients.list(account: account, login: nil, page: PageRequest(size: PageRequest.maximumSize)).items
        var registered = 0
        for client in clients where await !api.registrar.registrations(of: client.sid).isEmpty { registered += 1 }
        let errors = try await api.notifications.list(account: account, filter: NotificationFilter(), page: PageRequest(size: 5)).items
        return [
            "live": live, "today": today, "messages": messages, "registered": registered, "clients": clients.count,
            "errors": errors.map { entry in
                [
                    "date": ConsoleFormat.time(entry.messageDate), "level": entry.level == .error ? "error" : "warning",
                    "code": entry.errorCode, "text": entry.messageText, "callSid": ConsoleFormat.shown(entry.callSid?.rawValue ?? ""),
                ] as [String: Any]
            },
            "hasErrors": !errors.isEmpty,
        ]
    }
}
