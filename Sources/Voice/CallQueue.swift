import Foundation
import Media
import Store

/// One call queue (an actor per queue, with call legs and conference rooms the third kind
/// the switch is built around): its waiting callers in order, their wait times, and the
/// average wait of those who left it. Callers who hang up leave at once; the queue outlives
/// being empty.
actor CallQueue {
    /// What happens to a waiting caller.
    enum Signal: Sendable {
        /// An agent took them: their audio goes through the bridge, after the RCML of
        /// `whisper` (if any) has run on their end.
        case bridged(QueueBridge, whisper: Whisper?)
        /// The REST API dequeued them to run other RCML.
        case redirected(WebhookTarget)
    }

    /// `<Queue url>`: what the dequeued caller hears before being connected, and who took them.
    struct Whisper: Sendable {
        let target: WebhookTarget
        let dequeuer: CallSid
    }

    struct Member {
        let call: CallSid
        let enqueued: Date
        let since: ContinuousClock.Instant
        let signals: AsyncStream<Signal>.Continuation
    }

    /// What the REST API and the wait document see of a member.
    struct MemberView: Sendable {
        let call: CallSid
        let position: Int
        let waitSeconds: Int
        let enqueued: Date
    }

    private(set) var record: QueueRecord
    private var members: [Member] = []
    private var waited: (seconds: Double, count: Int) = (0, 0)

    init(record: QueueRecord) {
        self.record = record
    }

    func rename(_ updated: QueueRecord) {
        record = updated
    }

    var size: Int { members.count }
    var averageWait: Int { waited.count == 0 ? 0 : Int(waited.seconds / Double(waited.count)) }

    /// Adds a caller at the back; nil when the queue is full.
    func enqueue(_ call: CallSid, at date: Date) -> AsyncStream<Signal>? {
        guard members.count < record.maxSize else { return nil }
        let (signals, continuation) = AsyncStream<Signal>.makeStream()
        members.append(Member(call: call, enqueued: date, since: .now, signals: continuation))
        return signals
    }

    func view(_ call: CallSid) -> MemberView? {
        guard let index = members.firstIndex(where: { $0.call == call }) else { return nil }
        return view(index)
    }

    func views() -> [MemberView] {
        members.indices.map(view)
    }

    /// Removes a caller (hung up, left, or taken); their wait counts in the average.
    @discardableResult
    func remove(_ call: CallSid) -> Member? {
        guard let index = members.firstIndex(where: { $0.call == call }) else { return nil }
        let member = members.remove(at: index)
        CallMetrics.queueWait(.now - member.since)
        waited.seconds += Double((ContinuousClock.now - member.since).components.seconds)
        waited.count += 1
        return member
    }

    /// A caller leaves by themselves (`<Leave>`, or hanging up): their signals end.
    func leave(_ call: CallSid) {
        remove(call)?.signals.finish()
    }

    /// The caller at the front (or a given one), taken out of the queue.
    func take(_ call: CallSid? = nil) -> Member? {
        guard let chosen = call ?? members.first?.call else { return nil }
        return remove(chosen)
    }

    private func view(_ index: Int) -> MemberView {
        let member = members[index]
        return MemberView(
            call: member.call, position: index + 1, waitSeconds: Int((ContinuousClock.now - member.since).components.seconds),
            enqueued: member.enqueued)
    }
}

/// An agent connected to a dequeued caller: a two-party mixer between their sessions (they
/// may live on different media loops), ended once by whichever side leaves first.
final class QueueBridge: Sendable {
    let mixer: ConferenceMixer
    let callerPort = MixerPort()
    let agentPort = MixerPort()
    /// Finishes when the bridge ends; each side waits on its own copy.
    let callerEnded: AsyncStream<Void>
    let agentEnded: AsyncStream<Void>
    private let callerSink: AsyncStream<Void>.Continuation
    private let agentSink: AsyncStream<Void>.Continuation

    init(mixer: ConferenceMixer) {
        self.mixer = mixer
        (callerEnded, callerSink) = AsyncStream<Void>.makeStream()
        (agentEnded, agentSink) = AsyncStream<Void>.makeStream()
        mixer.add(callerPort)
        mixer.add(agentPort)
    }

    func end() {
        callerSink.finish()
        agentSink.finish()
        mixer.stop()
    }
}
