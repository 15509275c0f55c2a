import Foundation
import Media
import Store

/// `<Dial><Conference>`: the call joins the account's room of that name and stays until it
/// hangs up, the room ends, it is removed through the REST API, its `timeLimit` passes or it
/// presses * with `hangupOnStar`; then the action (with `DialCallStatus=completed` and the
/// time spent) or the next verb.
extension RCMLLeg {
    func join(_ noun: RCMLVerb.ConferenceNoun, verb: RCMLVerb.Dial, documentURL: String) async -> DialOutcome {
        let room = runtime.conferences.room(account: record.accountSid, name: noun.name)
        let joined = ContinuousClock.now
        var status = "completed"
        if let events = await room.join(record, session: session, options: noun) {
            let (signals, sink) = AsyncStream<DialSignal>.makeStream()
            inbox.dialKeys = sink
            let forwarder = Task {
                for await event in events { sink.yield(.room(event)) }
            }
            let limit = Task { [timeLimit = verb.timeLimit] in
                guard (try? await Task.sleep(for: .seconds(timeLimit))) != nil else { return }
                sink.yield(.timeLimit)
            }
            loop: for await signal in signals {
                switch signal {
                case .room, .timeLimit: break loop
                case .key("*") where verb.hangupOnStar: break loop
                case .key, .target: continue
                }
            }
            inbox.dialKeys = nil
            forwarder.cancel()
            limit.cancel()
            // Left outside this (possibly cancelled) task: the room's record write must happen.
            let call = record.sid
            await Task.detached { await room.leave(call) }.value
        } else {
            status = "failed"
            await runtime.fetcher.notify(
                code: 13240, message: "Conference '\(noun.name)' is full or over", url: documentURL, account: record.accountSid,
                call: record.sid)
        }
        guard !Task.isCancelled, ending == nil else { return .over }
        guard let action = verb.action else { return .proceed }
        let seconds = Int((ContinuousClock.now - joined).components.seconds)
        let extra = [("DialCallStatus", status), ("DialCallDuration", String(seconds))]
        guard let next = await request(resolve(action, against: documentURL), method: verb.method, extra: extra) else { return .over }
        return .document(next)
    }
}
