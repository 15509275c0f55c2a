import API
import Foundation
import Hummingbird
import Store

/// The logs beside the calls: messages (SMS in and out), recordings (played in the page) and
/// notifications (the errors and warnings Parley met running the account's applications),
/// newest first, 50 a page.
struct LogPages {
    let routes: ConsoleRoutes
    var api: APIServices { routes.services.api }

    func register(on console: RouterGroup<ParleyRequestContext>) {
        LogPage(routes: routes, name: "messages", title: "Messages") { account, page in
            let result = try await api.messages.list(account: account, filter: MessageFilter(), page: page)
            return (result.total, result.lastPage, result.items.map { message in
                [
                    "sid": message.sid.rawValue, "date": ConsoleFormat.time(message.dateSent ?? message.dateCreated),
                    "direction": message.direction.rawValue, "from": message.from, "to": message.to, "status": message.status.rawValue,
                    "body": message.body, "segments": message.segmentCount,
                    "error": ConsoleFormat.shown(message.errorCode.map { "\($0) \(message.errorMessage ?? "")" } ?? ""),
                ] as [String: Any]
            })
        }.register(on: console)
        LogPage(routes: routes, name: "recordings", title: "Recordings") { account, page in
            let result = try await api.recordings.recordings.list(account: account, callSid: nil, conferenceSid: nil, page: page)
            return (result.total, result.lastPage, result.items.map { recording in
                [
                    "sid": recording.sid.rawValue, "date": ConsoleFormat.time(recording.startTime),
                    "callSid": ConsoleFormat.shown(recording.callSid?.rawValue ?? ""), "duration": ConsoleFormat.duration(recording.duration),
                    "status": recording.status.rawValue, "playable": recording.status == .completed, "source": recording.source,
                ] as [String: Any]
            })
        }.register(on: console)
        LogPage(routes: routes, name: "notifications", title: "Notifications") { account, page in
            let result = try await api.notifications.list(account: account, filter: NotificationFilter(), page: page)
            return (result.total, result.lastPage, result.items.map { entry in
                [
                    "sid": entry.sid.rawValue, "date": ConsoleFormat.time(entry.messageDate), "level": entry.level == .error ? "error" : "warning",
                    "code": entry.errorCode, "text": entry.messageText, "callSid": ConsoleFormat.shown(entry.callSid?.rawValue ?? ""),
                    "url": ConsoleFormat.shown(entry.requestUrl ?? ""),
                ] as [String: Any]
            })
        }.register(on: console)
    }
}

/// A paged log under `/console/NAME`, newest first, 50 rows a page.
private struct LogPage {
    let routes: ConsoleRoutes
    let name: String
    let title: String
    let rows: @Sendable (AccountSid, PageRequest) async throws -> (total: Int, lastPage: Int, rows: [[String: Any]])

    func register(on console: RouterGroup<ParleyRequestContext>) {
        console.get(RouterPath(name)) { request, _ in
            await routes.respond(request) {
                let visit = try await routes.gate.visit(request)
                let number = (try request.queryForm().integer("Page", in: 0...1_000_000)) ?? 0
                let (total, lastPage, rows) = try await rows(visit.account.sid, PageRequest(page: number, size: 50))
                var data = routes.frame(visit, section: name, title: title)
                data[name] = rows
                data["empty"] = rows.isEmpty
                data["total"] = total
                if number > 0 { data["previous"] = "/console/\(name)?Page=\(number - 1)" }
                if number < lastPage { data["next"] = "/console/\(name)?Page=\(number + 1)" }
                return routes.pages.page(name, data)
            }
        }
    }
}
