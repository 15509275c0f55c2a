import Store
import Synchronization

/// A call leg that can be steered by its CallSid from the REST API.
protocol ControllableLeg: Sendable {
    /// Hangs up: CANCEL or BYE as the state requires; the record then says how it ended.
    func hangUp() async
    /// Whether the leg has been answered.
    var isAnswered: Bool { get async }
    /// Runs the application at `target` in place of the current document (once answered,
    /// for an outbound leg still ringing).
    func redirect(to target: WebhookTarget) async
}

/// The legs in progress, by CallSid: how call control finds the actor of a live call, and
/// how a draining server stops taking new calls, waits for these to end and hangs up the rest.
public final class LiveCalls: Sendable {
    private let legs = Mutex<[CallSid: any ControllableLeg]>([:])
    private let accepting = Atomic<Bool>(true)
    /// The legs still running (counted until their records are written).
    public let inProgress = PendingWork()

    public init() {}

    /// False once the server drains: new INVITEs and `POST Calls` are refused, while the
    /// legs in progress (and the calls they dial) go on.
    public var acceptsNewCalls: Bool { accepting.load(ordering: .relaxed) }

    public func stopAcceptingCalls() {
        accepting.store(false, ordering: .relaxed)
    }

    /// Hangs up every leg in progress (BYE, or CANCEL for one still ringing).
    public func hangUpAll() async {
        let all = legs.withLock { Array($0.values) }
        await withTaskGroup(of: Void.self) { group in
            for leg in all { group.addTask { await leg.hangUp() } }
        }
    }

    /// REST call control: `completed` hangs up any live call, `canceled` only one not yet
    /// answered. False when the call is not live (unknown, finished or, for `canceled`,
    /// already answered).
    public func hangUp(_ sid: CallSid, onlyIfUnanswered: Bool) async -> Bool {
        guard let leg = leg(sid) else { return false }
        if onlyIfUnanswered, await leg.isAnswered { return false }
        await leg.hangUp()
        return true
    }

    /// REST `Url`: the live call runs the RCML at `target` from now on. False when the call
    /// is not live.
    public func redirect(_ sid: CallSid, to target: WebhookTarget) async -> Bool {
        guard let leg = leg(sid) else { return false }
        await leg.redirect(to: target)
        return true
    }

    func add(_ sid: CallSid, _ leg: any ControllableLeg) {
        if legs.withLock({ $0.updateValue(leg, forKey: sid) }) == nil { inProgress.begin() }
    }

    func remove(_ sid: CallSid) {
        if legs.withLock({ $0.removeValue(forKey: sid) }) != nil { inProgress.end() }
    }

    func leg(_ sid: CallSid) -> (any ControllableLeg)? {
        legs.withLock { $0[sid] }
    }
}
