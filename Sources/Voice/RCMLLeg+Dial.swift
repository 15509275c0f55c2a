import Foundation
import Media
import Store

/// What reaches a running Dial: its targets' answers and ends, the caller's keys, the end of
/// the time limit.
enum DialSignal: Sendable {
    case target(Int, DialedCall.Event)
    case room(ConferenceRoom.Event)
    case key(Character)
    case timeLimit
}

/// How a Dial (or Enqueue, or Sms) leaves the document: on with the next verb, to the
/// action's document, or over (the caller hung up, or the action gave nothing usable).
enum DialOutcome {
    case proceed
    /// On with the next verb, after a callee who was busy (if none follows, the caller hears
    /// the busy tone before the hang-up).
    case busy
    case document(RCMLFetcher.Fetched)
    case over
}

/// The Dial verb: every target rings at once (each a child call with its own record) while
/// the caller hears ringback; the first to answer is bridged to the caller and the others are
/// cancelled. The dialled call ends when either side hangs up, at `timeLimit`, or when the
/// caller presses * with `hangupOnStar`; then the action gets `DialCallStatus`,
/// `DialCallSid` and `DialCallDuration` (and the recording's `RecordingUrl`, `RecordingSid`,
/// `RecordingDuration` with `record`), or the document goes on with its next verb.
extension RCMLLeg {
    func dial(_ verb: RCMLVerb.Dial, documentURL: String) async -> DialOutcome {
        await answer()
        if let conference = verb.conference { return await join(conference, verb: verb, documentURL: documentURL) }
        if let queue = verb.queue { return await connect(toFrontOf: queue, verb: verb, documentURL: documentURL) }
        let targets = await ring(verb, documentURL: documentURL)
        var status = "failed"
        var connected: Int?
        var ended: [Int: CallRecord] = [:]
        var recording: Recording?
        if !targets.isEmpty {
            let (signals, sink) = AsyncStream<DialSignal>.makeStream()
            inbox.dialKeys = sink
            let forwarders = targets.enumerated().map { index, target in
                Task {
                    for await event in target.events { sink.yield(.target(index, event)) }
                }
            }
            var limit: Task<Void, Never>?
            session.play(ToneGenerator.ringback(), loops: 0)
            for await signal in signals {
                switch signal {
                case .target(let index, .answered):
                    guard connected == nil else {
                        await targets[index].leg.hangUp()
                        continue
                    }
                    connected = index
                    session.stopPlayback()
                    for (other, target) in targets.enumerated() where other != index { await target.leg.hangUp() }
                    do {
                        try await session.bridge(with: targets[index].session)
                        if verb.record != .none { recording = await recordSides(with: targets[index].session, dual: verb.record == .dual) }
                    } catch {
                        await targets[index].leg.hangUp()
                    }
                    limit = Task { [timeLimit = verb.timeLimit] in
                        guard (try? await Task.sleep(for: .seconds(timeLimit))) != nil else { return }
                        sink.yield(.timeLimit)
                    }
                case .target(let index, .ended(let record)):
                    ended[index] = record
                case .key("*") where verb.hangupOnStar:
                    if let connected { await targets[connected].leg.hangUp() }
                case .key:
                    continue
                case .timeLimit:
                    if let connected { await targets[connected].leg.hangUp() }
                case .room:
                    continue
                }
                if let connected, ended[connected] != nil { break }
                if connected == nil, ended.count == targets.count { break }
            }
            inbox.dialKeys = nil
            if let started = recording, let connected {
                _ = await session.stopRecording()
                _ = await targets[connected].session.stopRecording()
                // Completed outside this task: it may be cancelled, and the store refuses its writes.
                let library = runtime.recordings
                recording = await Task.detached { await library.mergeSides(of: started, dual: verb.record == .dual) }.value
            }
            limit?.cancel()
            forwarders.forEach { $0.cancel() }
            session.stopPlayback()
            await session.unbridge()
            // The caller hung up (this interpreter was cancelled): so does every target.
            for (index, target) in targets.enumerated() where ended[index] == nil { await target.leg.hangUp() }
            status = connected != nil ? "completed" : Self.dialStatus(ended.values.map(\.status))
        }
        guard !Task.isCancelled, ending == nil else { return .over }
        guard let action = verb.action else { return status == "busy" ? .busy : .proceed }
        let answered = connected.flatMap { ended[$0] }
        var extra = [
            ("DialCallStatus", status), ("DialCallSid", answered?.sid.rawValue ?? targets.first?.sid.rawValue ?? ""),
            ("DialCallDuration", String(answered?.duration ?? 0)),
        ]
        if let recording {
            extra += [
                ("RecordingUrl", runtime.recordings.resourceURL(of: recording)), ("RecordingSid", recording.sid.rawValue),
                ("RecordingDuration", String(recording.duration ?? 0)),
            ]
        }
        guard let next = await request(resolve(action, against: documentURL), method: verb.method, extra: extra) else { return .over }
        return .document(next)
    }

    /// Records each side of the connected call to its own file (merged when the call ends); a
    /// recording that cannot start is a Notification, and the call goes on unrecorded.
    private func recordSides(with other: MediaSession, dual: Bool) async -> Recording? {
        let library = runtime.recordings
        do {
            let recording = try await library.begin(call: record, source: "DialVerb", channels: dual ? 2 : 1)
            let sides = library.sidePaths(of: recording)
            try await session.record(to: sides.caller)
            try await other.record(to: sides.callee)
            return recording
        } catch {
            await runtime.fetcher.notify(
                code: 12400, message: "Dial recording could not start: \(error)", url: "", account: record.accountSid, call: record.sid)
            return nil
        }
    }

    /// Starts a child call per target; a target that cannot be called is a Notification.
    private func ring(_ verb: RCMLVerb.Dial, documentURL: String) async -> [DialedCall] {
        guard let calls = runtime.dialer.calls else { return [] }
        var ringing: [DialedCall] = []
        for target in verb.targets {
            do {
                ringing.append(
                    try await calls.dial(
                        target.address, callerID: verb.callerId, parent: record, timeout: verb.timeout, maxForwards: forwardsForChildren,
                        secure: usesSRTP, near: session))
            } catch {
                let (code, message) = Self.dialFailure(error, target: target.address, callerID: verb.callerId)
                await runtime.fetcher.notify(code: code, message: message, url: documentURL, account: record.accountSid, call: record.sid)
            }
        }
        return ringing
    }

    private static func dialFailure(_ error: any Error, target: String, callerID: String?) -> (Int, String) {
        switch error {
        case OutboundCallError.callerIDNotOwned(let shown):
            callerID == nil
                ? (13214, "Dial: no callerId for \(target): the call's own \(shown) is not a number of this account")
                : (13214, "Dial: callerId \(shown) is not a number of this account")
        case OutboundCallError.refused(let refusal):
            switch refusal {
            case .notBelgian: (13227, "Dial: \(target) refused: \(refusal)")
            case .unsafe: (13223, "Dial: \(target) refused: \(refusal)")
            case .specialNumber, .trunk, .address: (13225, "Dial: \(target) refused: \(refusal)")
            }
        case OutboundCallError.invalidTo:
            (13223, "Dial: \(target) is not a Belgian number, a Client or a SIP address")
        case OutboundCallError.noTrunk:
            (13224, "Dial: no trunk is configured for \(target)")
        case OutboundCallError.tooManyHops:
            (13225, "Dial: \(target) refused: the call came through Parley too many times (Max-Forwards used up)")
        case OutboundCallError.limitReached(let refusal):
            (20429, "Dial: \(target) not called: \(refusal)")
        case OutboundCallError.unresolvable(let host):
            (13224, "Dial: the host \(host) of \(target) does not resolve")
        default:
            (13225, "Dial: \(target) could not be called: \(error)")
        }
    }

    /// Twilio's DialCallStatus when nobody answered, from the targets' final statuses.
    static func dialStatus(_ statuses: [CallStatus]) -> String {
        for status in [CallStatus.busy, .noAnswer, .canceled] where statuses.contains(status) { return status.rawValue }
        return "failed"
    }
}
