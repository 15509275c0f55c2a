import Foundation
import Hummingbird
import Store

/// Calls: the call detail records of an account, Twilio's Call resource. Filters `To`, `From`,
/// `Status`, `ParentCallSid`, and `StartTime`/`EndTime` as a day (`YYYY-MM-DD`) or with `<`/`>`
/// for on-or-before/on-or-after.
struct CallsRoutes {
    let accounts: any AccountRepository
    let calls: any CallRepository
    var scope: AccountScope { AccountScope(accounts: accounts) }

    func register(on group: RouterGroup<ParleyRequestContext>) {
        group.get("Accounts/{accountSid}/Calls") { request, context in try await list(request, context) }
        group.get("Accounts/{accountSid}/Calls/{sid}") { _, context in
            let account = try await scope.resolve(context)
            let sid: CallSid = try context.sidParameter("sid")
            guard let call = try await calls.find(sid, account: account.sid) else { throw APIError.notFound(sid.rawValue) }
            return ResourceResponse.make(Self.representation(call, context: context), element: "Call", context: context)
        }
        // Twilio's DELETE of a call record: only once the call is over.
        group.delete("Accounts/{accountSid}/Calls/{sid}") { _, context in
            let account = try await scope.resolve(context, access: .write)
            let sid: CallSid = try context.sidParameter("sid")
            guard let call = try await calls.find(sid, account: account.sid) else { throw APIError.notFound(sid.rawValue) }
            guard call.status.isFinal else { throw APIError.conflict("Call \(sid) is in progress: hang it up before deleting its record") }
            guard try await calls.delete(sid, account: account.sid) else { throw APIError.notFound(sid.rawValue) }
            return ResourceResponse.noContent()
        }
    }

    private func list(_ request: Request, _ context: ParleyRequestContext) async throws -> Response {
        let account = try await scope.resolve(context)
        let query = try request.queryForm()
        var filter = CallFilter()
        var filters: [(String, String)] = []
        func keep(_ name: String) -> String? {
            guard let value = query.string(name) else { return nil }
            filters.append((name, value))
            return value
        }
        filter.to = keep("To")
        filter.from = keep("From")
        filter.status = try query.choice("Status", as: CallStatus.self)
        if let status = filter.status { filters.append(("Status", status.rawValue)) }
        if let parent: CallSid? = try query.sid("ParentCallSid"), let parent {
            filter.parentCallSid = parent
            filters.append(("ParentCallSid", parent.rawValue))
        }
        if let day = try keep("StartTime").map({ try Self.instant($0, "StartTime") }) {
            (filter.startedAfter, filter.startedBefore) = (day.start, day.end)
        }
        if let day = try keep("StartTime>").map({ try Self.instant($0, "StartTime>") }) { filter.startedAfter = day.start }
        if let day = try keep("StartTime<").map({ try Self.instant($0, "StartTime<") }) { filter.startedBefore = day.end }
        if let day = try keep("EndTime").map({ try Self.instant($0, "EndTime") }) {
            (filter.endedAfter, filter.endedBefore) = (day.start, day.end)
        }
        if let day = try keep("EndTime>").map({ try Self.instant($0, "EndTime>") }) { filter.endedAfter = day.start }
        if let day = try keep("EndTime<").map({ try Self.instant($0, "EndTime<") }) { filter.endedBefore = day.end }
        let result = try await calls.list(account: account.sid, filter: filter, page: try query.pageRequest())
        let page = ListPage(path: "/Accounts/\(account.sid)/Calls", key: "calls", listElement: "Calls", itemElement: "Call")
        return page.response(result, filters: filters, context: context) { Self.representation($0, context: context) }
    }

    /// A day `YYYY-MM-DD` (the whole day, GMT) or an ISO 8601 instant (that instant).
    static func instant(_ text: String, _ name: String) throws -> (start: Date, end: Date) {
        let parts = text.split(separator: "-")
        if parts.count == 3, text.count == 10, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            let start = Calendar.gmt.date(from: DateComponents(year: year, month: month, day: day)),
            Calendar.gmt.component(.day, from: start) == day
        {
            return (start, start.addingTimeInterval(86400))
        }
        if let date = try? Date(text, strategy: .iso8601) { return (date, date) }
        throw APIError.invalidParameter(name, "'\(text)' is not a date (YYYY-MM-DD) or an ISO 8601 time")
    }

    static func representation(_ call: CallRecord, context: ParleyRequestContext) -> ResourceValue {
        let uri = ResourceURI.item(call.accountSid, "Calls", call.sid, context)
        return .object([
            "sid": .string(call.sid.rawValue),
            "date_created": .string(RFC2822Date.format(call.dateCreated)),
            "date_updated": .string(RFC2822Date.format(call.dateUpdated)),
            "parent_call_sid": .text(call.parentCallSid?.rawValue),
            "account_sid": .string(call.accountSid.rawValue),
            "to": .string(call.to),
            "to_formatted": .string(call.to.hasPrefix("+32") ? NationalFormat.format(call.to) : call.to),
            "from": .string(call.from),
            "from_formatted": .string(call.from.hasPrefix("+32") ? NationalFormat.format(call.from) : call.from),
            "phone_number_sid": .text(call.phoneNumberSid?.rawValue),
            "status": .string(call.status.rawValue),
            "start_time": .text(call.startTime.map(RFC2822Date.format)),
            "end_time": .text(call.endTime.map(RFC2822Date.format)),
            "duration": .text(call.duration.map(String.init)),
            "price": .null,
            "price_unit": .string("EUR"),
            "direction": .string(call.direction.rawValue),
            "answered_by": .null,
            "api_version": .string(context.root.apiVersion),
            "forwarded_from": .text(call.forwardedFrom),
            "caller_name": .text(call.callerName),
            "uri": .string(uri),
            "subresource_uris": .object([
                "notifications": .string(uri.replacingOccurrences(of: ".json", with: "/Notifications.json")),
                "recordings": .string(uri.replacingOccurrences(of: ".json", with: "/Recordings.json")),
            ]),
            "media_quality": call.quality.map(Self.representation) ?? .null,
        ])
    }

    /// Parley's addition to Twilio's Call: how the audio fared (RTP counters, RTCP reports).
    static func representation(_ quality: CallQuality) -> ResourceValue {
        func decimal(_ value: Double?) -> ResourceValue { value.map { .string(String(format: "%.1f", $0)) } ?? .null }
        return .object([
            "packets_sent": .integer(quality.packetsSent),
            "packets_received": .integer(quality.packetsReceived),
            "packets_lost": .integer(quality.packetsLost),
            "jitter_ms": decimal(quality.jitterMilliseconds),
            "round_trip_ms": decimal(quality.roundTripMilliseconds),
            "far_end_packets_lost": quality.farEndPacketsLost.map(ResourceValue.integer) ?? .null,
            "far_end_jitter_ms": decimal(quality.farEndJitterMilliseconds),
            "rtcp_reports_received": .integer(quality.reportsReceived),
            "srtp": .boolean(quality.srtpRejected != nil),
            "srtp_packets_rejected": quality.srtpRejected.map(ResourceValue.integer) ?? .null,
            "stranger_packets_dropped": quality.strangerPackets.map(ResourceValue.integer) ?? .null,
            "playout_delay_ms": decimal(quality.playoutDelayMilliseconds),
            "late_loss_rate": quality.lateLossRate.map { .string(String(format: "%.4f", $0)) } ?? .null,
            "concealment_ratio": quality.concealmentRatio.map { .string(String(format: "%.4f", $0)) } ?? .null,
        ])
    }
}
