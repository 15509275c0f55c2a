import Foundation
import Media
import Store

/// Queues from both ends. `<Enqueue>`: the caller waits in the queue, running its wait
/// document again and again (with `QueuePosition`, `QueueSid`, `QueueTime`, `AvgQueueTime`,
/// `CurrentQueueSize`; `<Leave>` leaves) or hearing hold music, until an agent takes them,
/// the REST API dequeues them, they leave or hang up; then the action gets `QueueResult`
/// (bridged, leave, hangup, queue-full, error), `QueueSid` and `QueueTime`.
/// `<Dial><Queue>`: the agent is connected to the caller at the front.
extension RCMLLeg {
    func enqueue(_ verb: RCMLVerb.Enqueue, documentURL: String) async -> DialOutcome {
        await answer()
        let started = ContinuousClock.now
        var result = "error"
        var queueSid = ""
        let queue = try? await runtime.queues.queue(named: verb.name, account: record.accountSid, create: true)
        if let queue, let signals = await queue.enqueue(record.sid, at: Date()) {
            queueSid = await queue.record.sid.rawValue
            let waiting = Task { await self.wait(in: queue, verb: verb, documentURL: documentURL) }
            // The signals end without one when the caller leaves (`<Leave>`) or hangs up.
            var signal: CallQueue.Signal?
            for await received in signals {
                signal = received
                break
            }
            waiting.cancel()
            let left = await waiting.value
            session.stopPlayback()
            switch signal {
            case .bridged(let bridge, let whisper)?:
                if let whisper {
                    let extra = [
                        ("QueueSid", queueSid), ("QueueTime", String((ContinuousClock.now - started).components.seconds)),
                        ("DequeingCallSid", whisper.dequeuer.rawValue),
                    ]
                    if let document = await runtime.fetcher.fetch(
                        whisper.target, parameters: webhookParameters() + extra, account: record.accountSid, call: record.sid),
                        let verbs = try? RCMLVerb.program(document.document)
                    {
                        _ = await play(verbs, documentURL: document.url)
                    }
                }
                session.join(bridge.callerPort)
                for await _ in bridge.callerEnded {}
                session.leaveConference()
                bridge.end()
                result = "bridged"
            case .redirected(let target)?:
                runApplication(target)  // this interpreter ends here
                return .over
            case nil:
                result = left ? "leave" : "hangup"
                // Removed outside this (possibly cancelled) task.
                await Task.detached { [call = record.sid] in await queue.leave(call) }.value
            }
        } else if queue != nil {
            result = "queue-full"
        }
        let extra = [
            ("QueueResult", result), ("QueueSid", queueSid), ("QueueTime", String((ContinuousClock.now - started).components.seconds)),
        ]
        let action = verb.action.map { resolve($0, against: documentURL) }
        guard !Task.isCancelled, ending == nil else {
            if let action { tellActionAfterHangUp(action, method: verb.method, extra: extra) }
            return .over
        }
        guard let action else { return .proceed }
        guard let next = await request(action, method: verb.method, extra: extra) else { return .over }
        return .document(next)
    }

    /// Runs the wait document in a loop (or hold music); true when it said `<Leave>`.
    private func wait(in queue: CallQueue, verb: RCMLVerb.Enqueue, documentURL: String) async -> Bool {
        guard let waitURL = verb.waitUrl.map({ resolve($0, against: documentURL) }) else {
            session.play(ToneGenerator.holdMusic(), loops: 0)
            return false
        }
        while !Task.isCancelled {
            guard let view = await queue.view(record.sid) else { return false }
            let extra = [
                ("QueuePosition", String(view.position)), ("QueueSid", await queue.record.sid.rawValue),
                ("QueueTime", String(view.waitSeconds)), ("AvgQueueTime", String(await queue.averageWait)),
                ("CurrentQueueSize", String(await queue.size)),
            ]
            let target = WebhookTarget(url: waitURL, method: verb.waitUrlMethod)
            guard let document = await runtime.fetcher.fetch(target, parameters: webhookParameters() + extra, account: record.accountSid, call: record.sid),
                let verbs = try? RCMLVerb.program(document.document)
            else {
                // A wait document that fails: hold music instead (the Notification says why).
                session.play(ToneGenerator.holdMusic(), loops: 0)
                return false
            }
            switch await play(verbs, documentURL: document.url) {
            case .left:
                await queue.leave(record.sid)  // ends the caller's wait for a signal
                return true
            case .stopped: return false
            case .played: continue
            case .silent:
                // A document that plays nothing would be requested in a tight loop: hold a second.
                if (try? await Task.sleep(for: .seconds(1))) == nil { return false }
            }
        }
        return false
    }

    /// Plays the Say, Play and Pause verbs of a wait or whisper document (the others mean
    /// nothing there), up to a `<Leave>`.
    func play(_ verbs: [RCMLVerb], documentURL: String) async -> QueueDocumentEnd {
        var played = false
        for verb in verbs {
            guard !Task.isCancelled else { return .stopped }
            switch verb {
            case .say(let say):
                let rate = session.sampleRate
                guard let samples = await speech(say, sampleRate: rate, documentURL: documentURL) else { return .stopped }
                await playUntilDone(samples, sampleRate: rate, loops: say.loop)
            case .play(let play):
                guard let samples = await samples(of: play, documentURL: documentURL) else { return .stopped }
                await playUntilDone(samples, loops: play.loop)
            case .pause(let seconds):
                guard (try? await Task.sleep(for: .seconds(seconds))) != nil else { return .stopped }
            case .leave:
                return .left
            default:
                continue
            }
            played = true
        }
        return played ? .played : .silent
    }

    /// `<Dial><Queue>`: the caller at the front (or the one `callSid` names) is taken out of the
    /// queue and, after its `url` document has run on the caller's end, bridged to this call
    /// until either hangs up (or the time limit, or * with hangupOnStar).
    func connect(toFrontOf noun: RCMLVerb.QueueNoun, verb: RCMLVerb.Dial, documentURL: String) async -> DialOutcome {
        let started = ContinuousClock.now
        var status = "failed"
        var caller = ""
        // A `callSid` that is not a call's SID names no waiting caller.
        let named: CallSid?? = noun.callSid.map { CallSid($0) }
        if named != .some(nil), let queue = try? await runtime.queues.queue(named: noun.name, account: record.accountSid, create: false),
            let member = await queue.take(named ?? nil),
            let mixer = try? await runtime.queues.media.makeMixer()
        {
            caller = member.call.rawValue
            status = "completed"
            let bridge = QueueBridge(mixer: mixer)
            session.join(bridge.agentPort)
            let whisper = noun.url.map {
                CallQueue.Whisper(target: WebhookTarget(url: resolve($0, against: documentURL), method: noun.method), dequeuer: record.sid)
            }
            member.signals.yield(CallQueue.Signal.bridged(bridge, whisper: whisper))
            let (signals, sink) = AsyncStream<DialSignal>.makeStream()
            inbox.dialKeys = sink
            let ended = Task {
                for await _ in bridge.agentEnded {}
                sink.yield(.timeLimit)
            }
            let limit = Task { [timeLimit = verb.timeLimit] in
                guard (try? await Task.sleep(for: .seconds(timeLimit))) != nil else { return }
                sink.yield(.timeLimit)
            }
            loop: for await signal in signals {
                switch signal {
                case .timeLimit: break loop
                case .key("*") where verb.hangupOnStar: break loop
                default: continue
                }
            }
            inbox.dialKeys = nil
            ended.cancel()
            limit.cancel()
            bridge.end()
            session.leaveConference()
        }
        guard !Task.isCancelled, ending == nil else { return .over }
        guard let action = verb.action else { return .proceed }
        let extra = [
            ("DialCallStatus", status), ("DialCallSid", caller),
            ("DialCallDuration", String((ContinuousClock.now - started).components.seconds)),
        ]
        guard let next = await request(resolve(action, against: documentURL), method: verb.method, extra: extra) else { return .over }
        return .document(next)
    }
}

/// How a queue's wait or whisper document ended: it played something, played nothing, said
/// `<Leave>`, or was stopped (the call ended, the wait was over, audio failed).
enum QueueDocumentEnd {
    case played, silent, left, stopped
}
