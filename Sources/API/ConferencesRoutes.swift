import Foundation
import Hummingbird
import Store
import Voice

/// Conferences (list with `Status`, `FriendlyName`, `DateCreated` as a day or with `<`/`>`;
/// fetch) and their Participants: the calls in a room in progress (list, fetch), `Muted`
/// changed with POST, removed with DELETE.
struct ConferencesRoutes {
    let accounts: any AccountRepository
    let conferences: Conferences
    var scope: AccountScope { AccountScope(accounts: accounts) }

    func register(on group: RouterGroup<ParleyRequestContext>) {
        group.get("Accounts/{accountSid}/Conferences") { request, context in try await list(request, context) }
        group.get("Accounts/{accountSid}/Conferences/{sid}") { _, context in
            let (_, conference) = try await find(context, access: .read)
            return ResourceResponse.make(Self.representation(conference, context: context), element: "Conference", context: context)
        }
        group.update("Accounts/{accountSid}/Conferences/{sid}") { request, context in
            let (account, conference) = try await find(context, access: .write)
            let form = try await request.formParameters()
            if case .some(.some(let url)) = try form.url("AnnounceUrl") {
                try await announce(url, to: nil, in: conference.sid, account: account)
            }
            if let status = try form.choice("Status", as: ConferenceStatus.self) {
                guard status == .completed else { throw APIError.invalidParameter("Status", "only completed ends a conference") }
                _ = await conferences.end(conference.sid, account: account)
            }
            let (_, updated) = try await find(context, access: .read)
            return ResourceResponse.make(Self.representation(updated, context: context), element: "Conference", context: context)
        }
        group.get("Accounts/{accountSid}/Conferences/{sid}/Participants") { _, context in
            let (account, conference) = try await find(context, access: .read)
            let participants = await conferences.participants(of: conference.sid, account: account)
            let page = ListPage(
                path: "/Accounts/\(account)/Conferences/\(conference.sid)/Participants", key: "participants",
                listElement: "Participants", itemElement: "Participant")
            let result = PageResult(items: participants, total: participants.count, request: PageRequest(page: 0, size: 1000))
            return page.response(result, filters: [], context: context) { Self.representation($0, context: context) }
        }
        group.get("Accounts/{accountSid}/Conferences/{sid}/Participants/{callSid}") { _, context in
            let participant = try await participant(context, access: .read)
            return ResourceResponse.make(Self.representation(participant, context: context), element: "Participant", context: context)
        }
        group.update("Accounts/{accountSid}/Conferences/{sid}/Participants/{callSid}") { request, context in
            let participant = try await participant(context, access: .write)
            let form = try await request.formParameters()
            let (call, room, account) = (participant.callSid, participant.conferenceSid, participant.accountSid)
            if let muted = try form.bool("Muted") {
                guard await conferences.setMuted(call, in: room, account: account, muted: muted) else { throw APIError.notFound(call.rawValue) }
            }
            if let hold = try form.bool("Hold") {
                let holdUrl = try form.url("HoldUrl") ?? nil
                let holdMethod = try form.method("HoldMethod") ?? .get
                guard await conferences.setHold(call, in: room, account: account, hold: hold, holdUrl: holdUrl, holdMethod: holdMethod) else {
                    throw APIError.notFound(call.rawValue)
                }
            }
            if case .some(.some(let url)) = try form.url("AnnounceUrl") {
                try await announce(url, to: call, in: room, account: account)
            }
            let updated = try await self.participant(context, access: .read)
            return ResourceResponse.make(Self.representation(updated, context: context), element: "Participant", context: context)
        }
        group.delete("Accounts/{accountSid}/Conferences/{sid}/Participants/{callSid}") { _, context in
            let participant = try await participant(context, access: .write)
            guard await conferences.kick(participant.callSid, from: participant.conferenceSid, account: participant.accountSid) else {
                throw APIError.notFound(participant.callSid.rawValue)
            }
            return ResourceResponse.noContent()
        }
    }

    private func announce(_ url: String, to call: CallSid?, in room: ConferenceSid, account: AccountSid) async throws {
        do {
            guard try await conferences.announce(url, to: call, in: room, account: account) else {
                throw APIError.conflict("Conference \(room) is not in progress")
            }
        } catch let failure as AudioCache.Failure {
            throw APIError.invalidParameter("AnnounceUrl", failure.message)
        }
    }

    private func find(_ context: ParleyRequestContext, access: AccountScope.Access) async throws -> (AccountSid, ConferenceRecord) {
        let account = try await scope.resolve(context, access: access)
        let sid: ConferenceSid = try context.sidParameter("sid")
        guard let conference = try await conferences.records.find(sid, account: account.sid) else { throw APIError.notFound(sid.rawValue) }
        return (account.sid, conference)
    }

    private func participant(_ context: ParleyRequestContext, access: AccountScope.Access) async throws -> ParticipantSummary {
        let (account, conference) = try await find(context, access: access)
        let call: CallSid = try context.sidParameter("callSid")
        guard let participant = await conferences.participants(of: conference.sid, account: account).first(where: { $0.callSid == call })
        else { throw APIError.notFound(call.rawValue) }
        return participant
    }

    private func list(_ request: Request, _ context: ParleyRequestContext) async throws -> Response {
        let account = try await scope.resolve(context)
        let query = try request.queryForm()
        var filter = ConferenceFilter()
        var filters: [(String, String)] = []
        if let status = try query.choice("Status", as: ConferenceStatus.self) {
            filter.status = status
            filters.append(("Status", status.rawValue))
        }
        if let name = query.string("FriendlyName") {
            filter.friendlyName = name
            filters.append(("FriendlyName", name))
        }
        if let day = query.string("DateCreated") {
            (filter.createdFrom, filter.createdBefore) = try CallsRoutes.instant(day, "DateCreated")
            filters.append(("DateCreated", day))
        }
        if let day = query.string("DateCreated>") {
            filter.createdFrom = try CallsRoutes.instant(day, "DateCreated>").start
            filters.append(("DateCreated>", day))
        }
        if let day = query.string("DateCreated<") {
            filter.createdBefore = try CallsRoutes.instant(day, "DateCreated<").end
            filters.append(("DateCreated<", day))
        }
        let result = try await conferences.records.list(account: account.sid, filter: filter, page: try query.pageRequest())
        let page = ListPage(path: "/Accounts/\(account.sid)/Conferences", key: "conferences", listElement: "Conferences", itemElement: "Conference")
        return page.response(result, filters: filters, context: context) { Self.representation($0, context: context) }
    }

    static func representation(_ conference: ConferenceRecord, context: ParleyRequestContext) -> ResourceValue {
        let base = context.root.path + "/Accounts/\(conference.accountSid)/Conferences/\(conference.sid)"
        var fields: [ResourceValue.Field] = ResourceValue.fields([
            "sid": .string(conference.sid.rawValue),
            "account_sid": .string(conference.accountSid.rawValue),
            "friendly_name": .string(conference.friendlyName),
            "status": .string(conference.status.rawValue),
            "api_version": .string(context.root.apiVersion),
            "region": .string("be1"),
            "date_created": .string(RFC2822Date.format(conference.dateCreated)),
            "date_updated": .string(RFC2822Date.format(conference.dateUpdated)),
            "call_sid_ending_conference": .null,
            "subresource_uris": .object(["participants": .string(base + "/Participants.json"), "recordings": .string(base + "/Recordings.json")]),
            "uri": .string(base + ".json"),
        ])
        // Twilio's schema has no null for it: absent until the conference ends.
        if let reason = conference.reasonEnded { fields.append(.init("reason_conference_ended", .string(reason))) }
        return .object(fields)
    }

    static func representation(_ participant: ParticipantSummary, context: ParleyRequestContext) -> ResourceValue {
        .object([
            "account_sid": .string(participant.accountSid.rawValue),
            "call_sid": .string(participant.callSid.rawValue),
            "conference_sid": .string(participant.conferenceSid.rawValue),
            "label": .null,
            "call_sid_to_coach": .text(participant.callSidToCoach?.rawValue),
            "coaching": .boolean(participant.callSidToCoach != nil),
            "muted": .boolean(participant.muted),
            "hold": .boolean(participant.hold),
            "start_conference_on_enter": .boolean(participant.startConferenceOnEnter),
            "end_conference_on_exit": .boolean(participant.endConferenceOnExit),
            "status": .string("connected"),
            "queue_time": .null,
            "date_created": .string(RFC2822Date.format(participant.dateCreated)),
            "date_updated": .string(RFC2822Date.format(participant.dateUpdated)),
            "uri": .string(
                context.root.path + "/Accounts/\(participant.accountSid)/Conferences/\(participant.conferenceSid)/Participants/\(participant.callSid).json"),
        ])
    }
}
