import Foundation
import Hummingbird
import Store
import Voice

/// Recordings: list (per account, filtered by `CallSid` or `ConferenceSid`, per call and per
/// conference), fetch, delete, and the
/// media at `.wav` behind the account's credentials. `POST` with `PublicUrl=false|true`
/// disables or re-enables the unguessable public URL (FlexIO's `core_PublicRecordingUrl`),
/// which `PublicMedia` serves without credentials.
struct RecordingsRoutes {
    let accounts: any AccountRepository
    let library: RecordingLibrary
    var scope: AccountScope { AccountScope(accounts: accounts) }

    func register(on group: RouterGroup<ParleyRequestContext>) {
        let prefixes: [(String, Owner)] = [
            ("Accounts/{accountSid}", .account), ("Accounts/{accountSid}/Calls/{sid}", .call),
            ("Accounts/{accountSid}/Conferences/{sid}", .conference),
        ]
        for (prefix, owner) in prefixes {
            group.get("\(prefix)/Recordings") { request, context in try await list(request, context, under: owner) }
            group.get("\(prefix)/Recordings/{recordingSid}") { _, context in try await fetch(context, under: owner) }
            group.delete("\(prefix)/Recordings/{recordingSid}") { _, context in
                let recording = try await find(context, access: .write, under: owner).recording
                guard try await library.delete(recording) else { throw APIError.notFound(recording.sid.rawValue) }
                return ResourceResponse.noContent()
            }
        }
        group.post("Accounts/{accountSid}/Recordings/{recordingSid}") { request, context in
            let recording = try await find(context, access: .write, under: .account).recording
            let form = try await request.formParameters()
            guard let enabled = try form.bool("PublicUrl") else { throw APIError.missingParameter("PublicUrl") }
            let changed = try await library.setPublic(recording, enabled: enabled)
            return ResourceResponse.make(representation(changed, context: context), element: "Recording", context: context)
        }
    }

    /// The public media URL: no credentials, the token is the secret.
    func registerPublicMedia(on router: Router<ParleyRequestContext>) {
        router.get("recordings/{file}") { _, context in
            let file = context.parameters.get("file") ?? ""
            guard file.hasSuffix(".wav"), let recording = try await library.recordings.find(publicToken: String(file.dropLast(4))) else {
                throw APIError.notFound(file)
            }
            return try await library.media(recording, context: context)
        }
    }

    /// Whose recordings a path lists: the account's, or one call's or conference's (`{sid}`).
    private enum Owner {
        case account, call, conference
    }

    private func fetch(_ context: ParleyRequestContext, under owner: Owner) async throws -> Response {
        let (recording, wantsMedia) = try await find(context, access: .read, under: owner)
        if wantsMedia { return try await library.media(recording, context: context) }
        return ResourceResponse.make(representation(recording, context: context), element: "Recording", context: context)
    }

    /// The recording named by the path (`RE…` or `RE….wav`), scoped to the account and, under
    /// a call or a conference, to that one.
    private func find(
        _ context: ParleyRequestContext, access: AccountScope.Access, under owner: Owner
    ) async throws -> (recording: Recording, media: Bool) {
        let account = try await scope.resolve(context, access: access)
        let raw = context.parameters.get("recordingSid") ?? ""
        let wantsMedia = raw.hasSuffix(".wav")
        guard let sid = RecordingSid(wantsMedia ? String(raw.dropLast(4)) : raw),
            let recording = try await library.recordings.find(sid, account: account.sid),
            owner != .call || context.parameters.get("sid") == recording.callSid?.rawValue,
            owner != .conference || context.parameters.get("sid") == recording.conferenceSid?.rawValue
        else { throw APIError.notFound(raw) }
        return (recording, wantsMedia)
    }

    private func list(_ request: Request, _ context: ParleyRequestContext, under owner: Owner) async throws -> Response {
        let account = try await scope.resolve(context)
        let query = try request.queryForm()
        var callSid: CallSid?
        var conferenceSid: ConferenceSid?
        var path = "/Accounts/\(account.sid)/Recordings"
        var filters: [(String, String)] = []
        let inPath = context.parameters.get("sid") ?? ""
        switch owner {
        case .call:
            guard let sid = CallSid(inPath) else { throw APIError.notFound(inPath) }
            callSid = sid
            path = "/Accounts/\(account.sid)/Calls/\(sid)/Recordings"
        case .conference:
            guard let sid = ConferenceSid(inPath) else { throw APIError.notFound(inPath) }
            conferenceSid = sid
            path = "/Accounts/\(account.sid)/Conferences/\(sid)/Recordings"
        case .account:
            if let filter: CallSid? = try query.sid("CallSid"), let filter {
                callSid = filter
                filters.append(("CallSid", filter.rawValue))
            }
            if let filter: ConferenceSid? = try query.sid("ConferenceSid"), let filter {
                conferenceSid = filter
                filters.append(("ConferenceSid", filter.rawValue))
            }
        }
        let result = try await library.recordings.list(
            account: account.sid, callSid: callSid, conferenceSid: conferenceSid, page: try query.pageRequest())
        let page = ListPage(path: path, key: "recordings", listElement: "Recordings", itemElement: "Recording")
        return page.response(result, filters: filters, context: context) { representation($0, context: context) }
    }

    /// The WAV file, streamed from disk in 128 KiB chunks on NIO's thread pool: an hour of
    /// stereo audio never sits whole in memory, however many clients ask for it.
    private func representation(_ recording: Recording, context: ParleyRequestContext) -> ResourceValue {
        .object([
            "sid": .string(recording.sid.rawValue),
            "account_sid": .string(recording.accountSid.rawValue),
            "call_sid": .text(recording.callSid?.rawValue),
            "conference_sid": .text(recording.conferenceSid?.rawValue),
            "api_version": .string(context.root.apiVersion),
            "date_created": .string(RFC2822Date.format(recording.dateCreated)),
            "date_updated": .string(RFC2822Date.format(recording.dateUpdated)),
            "start_time": .string(RFC2822Date.format(recording.startTime)),
            "duration": .string(String(recording.duration ?? -1)),
            "status": .string(recording.status.rawValue),
            "channels": .integer(recording.channels),
            "source": .string(recording.source),
            "price": .null,
            "price_unit": .string("EUR"),
            "error_code": .null,
            "encryption_details": .null,
            "media_url": .string(library.resourceURL(of: recording) + ".wav"),
            "public_url": .text(library.publicMediaURL(of: recording)),
            "subresource_uris": .object([
                "transcriptions": .string(context.root.path + "/Accounts/\(recording.accountSid)/Recordings/\(recording.sid)/Transcriptions.json")
            ]),
            "uri": .string(ResourceURI.item(recording.accountSid, "Recordings", recording.sid, context)),
        ])
    }
}
