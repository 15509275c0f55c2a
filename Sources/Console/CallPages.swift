import API
import Foundation
import Hummingbird
import Store

/// The call logs: a filtered list that grows and changes live, and each call's page with its
/// timeline, media quality, recordings (played in the page) and notifications.
struct CallPages {
    let routes: ConsoleRoutes
    var api: APIServices { routes.services.api }

    func register(on console: RouterGroup<ParleyRequestContext>) {
        console.get("calls") { request, _ in
            await routes.respond(request) {
                let visit = try await routes.gate.visit(request)
                return try await listPage(request, visit)
            }
        }
        console.get("calls/{sid}") { request, context in
            await routes.respond(request) {
                let visit = try await routes.gate.visit(request)
                guard let sid = context.parameters.get("sid").flatMap(CallSid.init),
                    let call = try await api.calls.find(sid, account: visit.account.sid)
                else { throw APIError.notFound("call") }
                return try await callPage(visit, call)
            }
        }
        console.get("recordings/{file}") { request, context in
            await routes.respond(request) {
                let visit = try await routes.gate.visit(request)
                let file = context.parameters.get("file") ?? ""
                guard file.hasSuffix(".wav"), let sid = RecordingSid(file.dropLast(4)),
                    let recording = try await api.recordings.recordings.find(sid, account: visit.account.sid)
                else { throw APIError.notFound(file) }
                return try await api.recordings.media(recording, context: context)
            }
        }
    }

    /// A call as a row of the list (the live view sends the same row).
    static func row(_ call: CallRecord) -> [String: Any] {
        [
            "sid": call.sid.rawValue, "date": ConsoleFormat.time(call.startTime ?? call.dateCreated), "direction": call.direction.rawValue,
            "from": call.from, "to": call.to, "status": call.status.rawValue, "final": call.status.isFinal,
            "duration": ConsoleFormat.duration(call.duration),
        ]
    }

    private func listPage(_ request: Request, _ visit: Visit) async throws -> Response {
        let query = try request.queryForm()
        var filter = CallFilter()
        var refused: [String] = []
        if let value = query.string("Direction"), !value.isEmpty {
            if let direction = CallDirection(rawValue: value) { filter.direction = direction } else { refused.append("Direction") }
        }
        if let value = query.string("Status"), !value.isEmpty {
            if let status = CallStatus(rawValue: value) { filter.status = status } else { refused.append("Status") }
        }
        if let value = query.string("Number"), !value.isEmpty { filter.party = value }
        if let value = query.string("Date"), !value.isEmpty {
            if let day = try? Date(value + "T00:00:00Z", strategy: .iso8601) {
                filter.startedAfter = day
                filter.startedBefore = day.addingTimeInterval(86_400)
            } else {
                refused.append("Date")
            }
        }
        let size = (try query.integer("PageSize", in: 1...PageRequest.maximumSize)) ?? PageRequest.defaultSize
        let number = (try query.integer("Page", in: 0...1_000_000)) ?? 0
        let result = try await api.calls.list(account: visit.account.sid, filter: filter, page: PageRequest(page: number, size: size))
        var data = routes.frame(visit, section: "calls", title: "Calls")
        data["calls"] = result.items.map(Self.row)
        data["empty"] = result.items.isEmpty
        data["total"] = result.total
        data["filters"] = [
            "direction": query.string("Direction") ?? "", "status": query.string("Status") ?? "", "number": query.string("Number") ?? "",
            "date": query.string("Date") ?? "",
        ]
        data["directions"] = CallDirection.allCases.map { ["value": $0.rawValue, "selected": $0 == filter.direction] as [String: Any] }
        data["statuses"] = CallStatus.allCases.map { ["value": $0.rawValue, "selected": $0 == filter.status] as [String: Any] }
        data["refused"] = ConsoleFormat.shown(refused.isEmpty ? "" : "Not understood: \(refused.joined(separator: ", "))")
        // New calls join the list live only where they would appear: its first page, unfiltered.
        data["live"] = number == 0 && filter.direction == nil && filter.status == nil && filter.party == nil && filter.startedAfter == nil
        let keep = ["Direction", "Status", "Number", "Date"].compactMap { name in
            query.string(name).flatMap { $0.isEmpty ? nil : "\(name)=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
        } + ["PageSize=\(size)"]
        if number > 0 { data["previous"] = "/console/calls?" + (keep + ["Page=\(number - 1)"]).joined(separator: "&") }
        if number < result.lastPage { data["next"] = "/console/calls?" + (keep + ["Page=\(number + 1)"]).joined(separator: "&") }
        return routes.pages.page("calls", data)
    }

    private func callPage(_ visit: Visit, _ call: CallRecord) async throws -> Response {
        let account = visit.account.sid
        let recordings = try await api.recordings.recordings.list(account: account, callSid: call.sid, conferenceSid: nil, page: PageRequest(size: 100)).items
        let notifications = try await api.notifications.list(account: account, filter: NotificationFilter(callSid: call.sid), page: PageRequest(size: 100)).items
        var children = CallFilter()
        children.parentCallSid = call.sid
        let legs = try await api.calls.list(account: account, filter: children, page: PageRequest(size: 100)).items
        var timeline: [(Date, String, String)] = [(call.dateCreated, "created", "Call created (\(call.direction.rawValue))")]
        if let start = call.startTime { timeline.append((start, "started", "Answered")) }
        for leg in legs { timeline.append((leg.dateCreated, "leg", "Dialled \(leg.to): \(leg.status.rawValue)")) }
        for recording in recordings { timeline.append((recording.startTime, "recording", "Recording \(recording.sid) started")) }
        for entry in notifications {
            timeline.append((entry.messageDate, entry.level == .error ? "error" : "warning", "\(entry.errorCode): \(entry.messageText)"))
        }
        if let end = call.endTime { timeline.append((end, "ended", "Ended: \(call.status.rawValue)")) }
        var data = routes.frame(visit, section: "calls", title: "Call \(call.sid)")
        data["call"] = Self.row(call).merging(["parent": ConsoleFormat.shown(call.parentCallSid?.rawValue ?? ""), "sipCallId": ConsoleFormat.shown(call.sipCallID ?? "")]) { $1 }
        data["timeline"] = timeline.sorted { $0.0 < $1.0 }.map { ["time": ConsoleFormat.time($0.0), "kind": $0.1, "text": $0.2] }
        data["legs"] = legs.map(Self.row)
        data["hasLegs"] = !legs.isEmpty
        data["recordings"] = recordings.map { recording in
            [
                "sid": recording.sid.rawValue, "status": recording.status.rawValue, "duration": ConsoleFormat.duration(recording.duration),
                "playable": recording.status == .completed,
            ] as [String: Any]
        }
        data["hasRecordings"] = !recordings.isEmpty
        data["quality"] = call.quality.map(Self.quality) ?? []
        data["hasQuality"] = call.quality != nil
        return routes.pages.page("call", data)
    }

    private static func quality(_ quality: CallQuality) -> [[String: String]] {
        func ms(_ value: Double?) -> String { value.map { String(format: "%.1f ms", $0) } ?? "—" }
        func percent(_ value: Double?) -> String { value.map { String(format: "%.2f %%", $0 * 100) } ?? "—" }
        return [
            ["name": "Packets sent", "value": "\(quality.packetsSent)"],
            ["name": "Packets received", "value": "\(quality.packetsReceived)"],
            ["name": "Packets lost", "value": "\(quality.packetsLost)"],
            ["name": "Jitter", "value": ms(quality.jitterMilliseconds)],
            ["name": "Round trip", "value": ms(quality.roundTripMilliseconds)],
            ["name": "Playout delay", "value": ms(quality.playoutDelayMilliseconds)],
            ["name": "Concealment", "value": percent(quality.concealmentRatio)],
        ]
    }
}
