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
        console.get("messages") { request, _ in
            await routes.respond(request) {
                let visit = try await routes.gate.visit(request)
                let query = try request.queryForm()
                let number = (try query.integer("Page", in: 0...1_000_000)) ?? 0
                let result = try await api.messages.list(account: visit.account.sid, filter: MessageFilter(), page: PageRequest(page: number, size: 50))
                var data = routes.frame(visit, section: "messages", title: "Messages")
                data["messages"] = result.items.map { message in
                    [
                        "sid": message.sid.rawValue, "date": ConsoleFormat.time(message.dateSent ?? message.dateCreated),
                        "direction": message.direction.rawValue, "from": message.from, "to": message.to, "status": message.status.rawValue,
                        "body": message.body, "segments": message.segmentCount,
                        "error": ConsoleFormat.shown(message.errorCode.map { "\($0) \(message.errorMessage ?? "")" } ?? ""),
                    ] as [String: Any]
                }
                data["empty"] = result.items.isEmpty
                data.merge(Self.pager("/console/messages", number, result)) { $1 }
                return routes.pages.page("messages", data)
            }
        }
        console.get("recordings") { request, _ in
            await routes.respond(request) {
                let visit = try await routes.gate.visit(request)
                let query = try request.queryForm()
                let number = (try query.integer("Page", in: 0...1_000_000)) ?? 0
                let result = try await api.recordings.recordings.list(
                    account: visit.account.sid, callSid: nil, conferenceSid: nil, page: PageRequest(page: number, size: 50))
                var data = routes.frame(visit, section: "recordings", title: "Recordings")
                data["recordings"] = result.items.map { recording in
                    [
                        "sid": recording.sid.rawValue, "date": ConsoleFormat.time(recording.startTime),
                        "callSid": ConsoleFormat.shown(recording.callSid?.rawValue ?? ""), "duration": ConsoleFormat.duration(recording.duration),
                        "status": recording.status.rawValue, "playable": recording.status == .completed, "source": recording.source,
                    ] as [String: Any]
                }
                data["empty"] = result.items.isEmpty
                data.merge(Self.pager("/console/recordings", number, result)) { $1 }
                return routes.pages.page("recordings", data)
            }
        }
        console.get("notifications") { request, _ in
            await routes.respond(request) {
                let visit = try await routes.gate.visit(request)
                let query = try request.queryForm()
                let number = (try query.integer("Page", in: 0...1_000_000)) ?? 0
                let result = try await api.notifications.list(account: visit.account.sid, filter: NotificationFilter(), page: PageRequest(page: number, size: 50))
                var data = routes.frame(visit, section: "notifications", title: "Notifications")
                data["notifications"] = result.items.map { entry in
                    [
                        "sid": entry.sid.rawValue, "date": ConsoleFormat.time(entry.messageDate), "level": entry.level == .error ? "error" : "warning",
                        "code": entry.errorCode, "text": entry.messageText, "callSid": ConsoleFormat.shown(entry.callSid?.rawValue ?? ""),
                        "url": ConsoleFormat.shown(entry.requestUrl ?? ""),
                    ] as [String: Any]
                }
                data["empty"] = result.items.isEmpty
                data.merge(Self.pager("/console/notifications", number, result)) { $1 }
                return routes.pages.page("notifications", data)
            }
        }
    }

    /// Links to the newer and older pages of a list.
    static func pager<Item>(_ path: String, _ number: Int, _ result: PageResult<Item>) -> [String: Any] {
        var links: [String: Any] = ["total": result.total]
        if number > 0 { links["previous"] = "\(path)?Page=\(number - 1)" }
        if number < result.lastPage { links["next"] = "\(path)?Page=\(number + 1)" }
        return links
    }
}
