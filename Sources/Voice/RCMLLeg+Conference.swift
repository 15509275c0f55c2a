import Foundation
import Media
import Store

/// `<Dial><Conference>`: the call joins the account's room of that name and stays until it
/// hangs up, the room ends, it is removed through the REST API, its `timeLimit` passes or it
/// presses * with `hangupOnStar`; then the action (with `DialCallStatus=completed` and the
/// time spent) or the next verb. A `waitUrl` (before the room starts) or `HoldUrl` (on hold)
/// that is an RCML document runs here in a loop, as a queue's wait document does.
extension RCMLLeg {
    func join(_ noun: RCMLVerb.ConferenceNoun, verb: RCMLVerb.Dial, documentURL: String) async -> DialOutcome {
        let room = runtime.conferences.room(account: record.accountSid, name: noun.name)
        let joined = ContinuousClock.now
        var status = "completed"
        var options = noun
        // The room fetches the wait audio itself: a relative waitUrl is made absolute here.
        if let waitURL = noun.waitUrl, !waitURL.isEmpty { options.waitUrl = resolve(waitURL, against: documentURL) }
        do {
            let events = try await room.join(record, session: session, options: options)
            let (signals, sink) = AsyncStream<DialSignal>.makeStream()
            inbox.dialKeys = sink
            let forwarder = Task {
                for await event in events { sink.yield(.room(event)) }
            }
            let limit = Task { [timeLimit = verb.timeLimit] in
                guard (try? await Task.sleep(for: .seconds(timeLimit))) != nil else { return }
                sink.yield(.timeLimit)
            }
            var document: Task<Void, Never>?
            loop: for await signal in signals {
                switch signal {
                case .room(.playDocument(let target)):
                    await stop(&document)
                    let (sid, name) = await (room.record.sid, room.record.friendlyName)
                    document = Task { await self.loop(running: target, conference: sid, name: name) }
                case .room(.stopDocument):
                    await stop(&document)
                case .room, .timeLimit: break loop
                case .key("*") where verb.hangupOnStar: break loop
                case .key, .target: continue
                }
            }
            inbox.dialKeys = nil
            await stop(&document)
            forwarder.cancel()
            limit.cancel()
            // Left outside this (possibly cancelled) task: the room's record write must happen.
            let call = record.sid
            await Task.detached { await room.leave(call) }.value
        } catch {
            status = "failed"
            let message =
                switch error {
                case .fullOrOver: "Conference '\(noun.name)' is full or over"
                case .noSuchParticipantToCoach(let sid): "Conference '\(noun.name)' has no participant \(sid) to coach"
                }
            await runtime.fetcher.notify(code: 13240, message: message, url: documentURL, account: record.accountSid, call: record.sid)
        }
        guard !Task.isCancelled, ending == nil else { return .over }
        guard let action = verb.action else { return .proceed }
        let seconds = Int((ContinuousClock.now - joined).components.seconds)
        let extra = [("DialCallStatus", status), ("DialCallDuration", String(seconds))]
        guard let next = await request(resolve(action, against: documentURL), method: verb.method, extra: extra) else { return .over }
        return .document(next)
    }

    /// Ends a room document's loop, and what it was playing (the mix follows).
    private func stop(_ document: inout Task<Void, Never>?) async {
        guard let running = document else { return }
        running.cancel()
        await running.value
        document = nil
        session.stopPlayback()
    }

    /// Runs a room's wait or hold document again and again (with `ConferenceSid` and
    /// `FriendlyName`) until cancelled by the room or the end of the Dial; a document that
    /// cannot be fetched or read gives hold music instead.
    private func loop(running target: WebhookTarget, conference: ConferenceSid, name: String) async {
        let extra = [("ConferenceSid", conference.rawValue), ("FriendlyName", name)]
        while !Task.isCancelled {
            guard let document = await runtime.fetcher.fetch(target, parameters: webhookParameters() + extra, account: record.accountSid, call: record.sid),
                let verbs = try? RCMLVerb.program(document.document)
            else {
                if !Task.isCancelled { session.play(ToneGenerator.holdMusic(), loops: 0) }
                return
            }
            switch await play(verbs, documentURL: document.url) {
            case .played: continue
            case .left, .stopped: return
            case .silent:
                // A document that plays nothing would be requested in a tight loop: hold a second.
                if (try? await Task.sleep(for: .seconds(1))) == nil { return }
            }
        }
    }
}
