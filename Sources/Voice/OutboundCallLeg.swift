import Foundation
import Logging
import Media
import SDP
import SIP
import Store

/// One outbound call leg (a `POST Calls`): rings every destination of its target at once
/// (all the contacts of a Client; first answer wins, the others get CANCEL), or, for the PSTN,
/// the trunk gateways one after the other (the next when one refuses with 408 or 5xx, or does
/// not respond within `failoverAfter`); keeps its call record in Twilio's statuses from queued
/// to its end, and can be hung up by its CallSid.
///
/// Once answered it runs the application at its `Url` (`RCMLLeg+Interpreter`) with its RTP
/// session started; a callee that sends no RTP for `--rtp-timeout` is hung up. Its status
/// callbacks report initiated, ringing, answered and completed as asked.
actor OutboundCallLeg: ControllableLeg, RCMLLeg {
    private var forks: [OutgoingCall]
    /// The gateways still to try, in order, each started only if those before it failed.
    private var alternates: [@Sendable () -> OutgoingCall]
    private let offer: SessionDescription
    private let negotiator: OfferAnswer
    let session: MediaSession
    let runtime: RCMLRuntime
    /// The RCML to run once answered (nil for a Dial's target, which the dialling leg
    /// bridges); a redirect while ringing replaces it.
    private var application: WebhookTarget?
    /// A Dial's target reports its answer and its end to the dialling leg here.
    private let observer: AsyncStream<DialedCall.Event>.Continuation?
    private var progress: CallProgressReporter
    private let ringTimeout: Duration
    /// The Max-Forwards its INVITEs carried.
    private let maxForwards: Int
    private let calls: any CallRepository
    private let clock: any WallClock
    private let logger: Logger
    private(set) var record: CallRecord
    private var winner: Int?
    private(set) var ending: CallStatus?
    var inbox = LegInbox()
    var interpreter: Task<Void, Never>?

    /// How long a gateway may stay silent (not even 100 Trying) before the next is tried.
    static let failoverAfter: Duration = .seconds(4)
    /// The refusals after which the next gateway is tried: the gateway, not the callee, failed.
    static let failoverStatuses: Set<Int> = [408, 500, 502, 503, 504]

    init(
        forks: [OutgoingCall], alternates: [@Sendable () -> OutgoingCall] = [], offer: SessionDescription, negotiator: OfferAnswer, session: MediaSession,
        application: WebhookTarget?, statusCallback: StatusCallback?, observer: AsyncStream<DialedCall.Event>.Continuation?,
        runtime: RCMLRuntime,
        ringTimeout: Duration, maxForwards: Int, record: CallRecord, calls: any CallRepository, clock: any WallClock, logger: Logger
    ) {
        self.maxForwards = maxForwards
        self.session = session
        self.application = application
        self.observer = observer
        self.runtime = runtime
        self.progress = CallProgressReporter(statusCallback, fetcher: runtime.fetcher, account: record.accountSid, call: record.sid)
        self.forks = forks
        self.alternates = alternates
        self.offer = offer
        self.negotiator = negotiator
        self.ringTimeout = ringTimeout
        self.record = record
        self.calls = calls
        self.clock = clock
        self.logger = logger
    }

    var isAnswered: Bool { winner != nil }

    var forwardsForChildren: Int { maxForwards - 1 }

    /// Its offer was SRTP, and only an SRTP answer is taken.
    var usesSRTP: Bool { offer.media.first?.transport == "RTP/SAVP" }

    /// Runs the leg to its end; the record is final when this returns.
    func run() async {
        // Every fork's events in one stream; nil marks the end of a fork's dialog.
        let (events, continuation) = AsyncStream<(Int, CallEvent?)>.makeStream()
        var forwarders: [Task<Void, Never>] = []
        func follow(_ index: Int) {
            let fork = forks[index]
            forwarders.append(
                Task {
                    for await event in fork.events { continuation.yield((index, event)) }
                    continuation.yield((index, nil))
                })
            // A gateway with others behind it must respond soon, or the next one is tried.
            if !alternates.isEmpty {
                forwarders.append(
                    Task {
                        try? await Task.sleep(for: Self.failoverAfter)
                        if !Task.isCancelled, !fork.hasResponded { fork.hangUp() }
                    })
            }
        }
        for index in forks.indices { follow(index) }
        let timer = Task { [ringTimeout] in
            try await Task.sleep(for: ringTimeout)
            self.ringTimedOut()
        }
        let mediaEvents = Task { [session] in
            for await event in session.events {
                if event == .rtpTimeout { self.mediaTimedOut() } else { self.deliver(event) }
            }
        }
        defer { mediaEvents.cancel() }
        progress.report(.initiated, record: record, at: clock.now())
        var refusals: [Int] = []
        var over: Set<Int> = []
        for await (index, event) in events {
            if let winner, index != winner { continue }
            guard let event else {
                over.insert(index)
                if winner != nil || over.count == forks.count { break }
                continue
            }
            switch event {
            case .ringing:
                if record.status == .queued {
                    await transition(to: .ringing)
                    progress.report(.ringing, record: record, at: clock.now())
                }
            case .answered(let sdp):
                timer.cancel()
                answered(by: index, sdp: sdp)
                await transition(to: .inProgress, started: true)
                progress.report(.answered, record: record, at: clock.now())
                if ending == nil {
                    if let application { runApplication(application) } else { observer?.yield(.answered) }
                }
            case .rejected(let status, _):
                // A CANCEL of our own before any response (487) means the gateway stayed silent.
                refusals.append(status == 487 && !forks[index].hasResponded && ending == nil ? 408 : status)
                over.insert(index)
            case .timedOut:
                refusals.append(408)
                over.insert(index)
            case .hungUp:
                ending = ending ?? .completed
                over.insert(index)
            case .offer(let offer):
                offer.accept(answer: self.offer.text)
            case .dtmf(let key):
                deliver(.digit(key.digit))
            case .acknowledged, .canceled, .acknowledgementTimedOut:
                continue
            }
            if winner == nil, ending == nil, over.count == forks.count, let last = refusals.last, Self.failoverStatuses.contains(last),
                !alternates.isEmpty
            {
                logger.notice("trunk gateway failed; trying the next", metadata: ["call": "\(record.sid)", "status": "\(last)"])
                forks.append(alternates.removeFirst()())
                follow(forks.count - 1)
                continue
            }
            if winner.map(over.contains) ?? (over.count == forks.count) { break }
        }
        timer.cancel()
        for forwarder in forwarders { forwarder.cancel() }
        continuation.finish()
        await stopApplication()
        if winner != nil { record.quality = CallQuality(await session.quality()) }
        await session.close()
        await finish(winner != nil ? .completed : ending ?? Self.status(after: refusals))
        CallMetrics.ended(record)
        logger.info("call ended", metadata: record.logMetadata)
        progress.report(.completed, record: record, at: clock.now())
        observer?.yield(.ended(record))
        observer?.finish()
    }

    /// Nothing to do: the callee answered before the application ran.
    func answer() {}

    /// The application hangs up (Hangup, Reject or the end of its document): BYE.
    func end(busy: Bool) {
        guard let winner else { return }
        ending = ending ?? .completed
        forks[winner].hangUp()
    }

    /// REST `Url`: runs at once when answered; while ringing, it is what will run.
    func redirect(to target: WebhookTarget) {
        if winner == nil {
            application = target
        } else {
            runApplication(target)
        }
    }

    /// REST `Status=completed` or `canceled`: BYE once answered, else CANCEL to every fork.
    func hangUp() {
        if ending == nil { ending = winner == nil ? .canceled : .completed }
        if let winner {
            forks[winner].hangUp()
        } else {
            forks.forEach { $0.hangUp() }
        }
    }

    /// The callee sends no RTP any more: the call is dead.
    private func mediaTimedOut() {
        guard let winner else { return }
        logger.notice("no RTP from the callee; hanging up", metadata: ["call": "\(record.sid)"])
        forks[winner].hangUp()
    }

    private func ringTimedOut() {
        guard winner == nil, ending == nil else { return }
        ending = .noAnswer
        forks.forEach { $0.hangUp() }
    }

    private func answered(by index: Int, sdp: String) {
        winner = index
        for (other, fork) in forks.enumerated() where other != index { fork.hangUp() }
        do {
            let media = try negotiator.accept(SessionDescription(parsing: sdp), to: offer)
            logger.debug("outbound leg answered", metadata: ["call": "\(record.sid)", "codec": "\(media.codec)"])
            guard var parameters = MediaParameters(media), parameters.canProtect else { throw SDPError.noCommonCodec }
            parameters.signallingHost = forks[index].flowHost
            session.start(parameters)
        } catch {
            // An answer we cannot use: the call cannot carry audio, so it ends at once.
            logger.warning("unusable SDP answer; hanging up", metadata: ["call": "\(record.sid)", "error": "\(error)"])
            ending = .failed
            forks[index].hangUp()
        }
    }

    /// Twilio's status for a call nobody answered, from the final responses of its forks.
    static func status(after refusals: [Int]) -> CallStatus {
        if refusals.contains(where: { [486, 600, 603].contains($0) }) { return .busy }
        if refusals.contains(where: { [408, 480, 487].contains($0) }) { return .noAnswer }
        return .failed
    }

    private func finish(_ status: CallStatus) async {
        record.endTime = clock.now()
        await transition(to: ending == .failed ? .failed : status)
    }

    private func transition(to status: CallStatus, started: Bool = false) async {
        record.status = status
        record.dateUpdated = clock.now()
        if started { record.startTime = record.dateUpdated }
        do {
            try await calls.update(record)
        } catch {
            logger.error("could not update a call record", metadata: ["call": "\(record.sid)", "error": "\(error)"])
        }
    }
}
