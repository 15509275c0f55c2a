import Media
import Store

/// A call leg that runs RCML, inbound or outbound. The interpreter (`RCMLLeg+Interpreter`)
/// needs from it only how to answer, how to end and where its audio goes; it runs as one task
/// of the leg, which a redirect by CallSid replaces.
protocol RCMLLeg: Actor {
    var runtime: RCMLRuntime { get }
    var session: MediaSession { get }
    var record: CallRecord { get }
    /// How the leg ends, once a verb (or the REST API) decided it.
    var ending: CallStatus? { get }
    var inbox: LegInbox { get set }
    /// The Max-Forwards of the INVITEs this leg's Dial sends: one less than its own call had,
    /// so a call that comes back to Parley through itself runs out of hops (483) instead of looping.
    var forwardsForChildren: Int { get }
    /// Whether its media is SRTP: the calls its Dial makes to Clients are then offered SRTP too.
    var usesSRTP: Bool { get }
    var interpreter: Task<Void, Never>? { get set }
    /// Answers if not answered yet (inbound), else nothing.
    func answer() async
    /// Ends the call from the application's side: BYE once answered, else a refusal
    /// (`486 Busy Here` when `busy`, else `603 Decline`).
    func end(busy: Bool)
}
