import Foundation
import Logging
import Media
import SDP
import SIP
import Store

/// One inbound call leg: its SIP side (an INVITE and its dialog), its RTP session, its detail
/// record (written at every state change so that a crash loses nothing) and its application.
/// It rings (180), fetches the application's RCML and runs it (`RCMLLeg+Interpreter`): the
/// call is answered on the first verb that needs media, and the end of the document hangs up.
/// A caller who hangs up (BYE, or CANCEL before the answer) stops the document; a caller who
/// sends no RTP for `--rtp-timeout` is hung up.
actor CallLeg: ControllableLeg, RCMLLeg {
    let call: IncomingCall
    let application: WebhookTarget
    let runtime: RCMLRuntime
    let calls: any CallRepository
    let clock: any WallClock
    let logger: Logger
    var record: CallRecord
    var media: LocalMedia
    let session: MediaSession
    /// How the record ends when the SIP side closes; set by the verb that ends the call.
    var ending: CallStatus?

    var inbox = LegInbox()
    var interpreter: Task<Void, Never>?
    /// The application's (or number's) status callback, told when the call completes.
    private var progress: CallProgressReporter

    /// What the leg reacts to: its SIP side and its media.
    private enum Input {
        case sip(CallEvent)
        case media(MediaEvent)
    }

    init(
        call: IncomingCall, application: WebhookTarget, statusCallback: StatusCallback?, runtime: RCMLRuntime,
        calls: any CallRepository,
        clock: any WallClock, logger: Logger, record: CallRecord, media: LocalMedia, session: MediaSession
    ) {
        self.call = call
        self.application = application
        self.runtime = runtime
        self.progress = CallProgressReporter(statusCallback, fetcher: runtime.fetcher, account: record.accountSid, call: record.sid)
        self.calls = calls
        self.clock = clock
        self.logger = logger
        self.record = record
        self.media = media
        self.session = session
    }

    var isAnswered: Bool { record.status == .inProgress }

    var usesSRTP: Bool { media.negotiated.srtp != nil }

    var forwardsForChildren: Int {
        (call.request.headers["Max-Forwards"].flatMap { Int($0) } ?? OutboundCalls.initialMaxForwards) - 1
    }

    /// REST `Status=completed`: BYE to the caller; the record ends `completed` once it is sent.
    func hangUp() {
        call.hangUp()
    }

    /// REST `Url`: the call leaves its document for the one at `target`.
    func redirect(to target: WebhookTarget) {
        runApplication(target)
    }

    /// Runs the leg to its end, reachable by its CallSid in `live` meanwhile.
    func run(registeringIn live: LiveCalls) async {
        live.add(record.sid, self)
        await run()
        await stopApplication()
        live.remove(record.sid)
        await session.close()
    }

    private func run() async {
        do {
            try await calls.insert(record)
        } catch {
            logger.error("could not write a call record", metadata: ["error": "\(error)"])
            call.respond(status: 500, reason: "Server Internal Error")
            return
        }
        CallMetrics.started(record.direction)
        logger.info("call started", metadata: record.logMetadata)
        call.respond(status: 180, reason: "Ringing")
        let (inputs, continuation) = AsyncStream<Input>.makeStream()
        let events = call.events
        let sip = Task {
            for await event in events { continuation.yield(.sip(event)) }
            continuation.finish()
        }
        let mediaEvents = Task { [session] in
            for await event in session.events { continuation.yield(.media(event)) }
        }
        runApplication(application)
        defer {
            sip.cancel()
            mediaEvents.cancel()
        }
        for await input in inputs {
            switch input {
            case .sip(.hungUp):
                return await finish(.completed)
            case .sip(.canceled):
                return await finish(.canceled)
            case .sip(.acknowledgementTimedOut):
                return await finish(.failed)
            case .sip(.offer(let offer)):
                renegotiate(offer)
            case .sip(.dtmf(let key)):
                deliver(.digit(key.digit))
            case .media(.rtpTimeout):
                logger.notice("no RTP from the caller; hanging up", metadata: ["call": "\(record.sid)"])
                call.hangUp()
            case .media(let event):
                deliver(event)
            case .sip(.acknowledged), .sip(.ringing), .sip(.answered), .sip(.rejected), .sip(.timedOut):
                continue  // the ACK needs nothing more; the others belong to outbound legs
            }
        }
        await finish(ending ?? (isAnswered ? .completed : .failed))
    }

    /// Answers the call if it is not answered yet: 200 with the SDP answer, media started.
    func answer() async {
        guard record.status == .ringing else { return }
        call.respond(status: 200, reason: "OK", sdp: media.answer.text)
        if let parameters = mediaParameters() { session.start(parameters) }
        record.startTime = clock.now()
        record.status = .inProgress
        // Written while the verb goes on (its audio should not wait for the disk); a later
        // final status is never undone by this write (the store keeps final statuses).
        let answered = record
        Task { await self.write(answered) }
    }

    func end(busy: Bool) {
        if isAnswered {
            ending = .completed
            call.hangUp()
        } else {
            ending = busy ? .busy : .noAnswer
            call.respond(status: busy ? 486 : 603, reason: busy ? "Busy Here" : "Decline")
        }
    }

    /// The negotiated media, admitting a softphone's media from its signalling address.
    private func mediaParameters() -> MediaParameters? {
        guard var parameters = MediaParameters(media.negotiated) else { return nil }
        if call.isFromSoftphone { parameters.signallingHost = call.source.address }
        return parameters
    }

    /// A re-INVITE or UPDATE: hold (sendonly/inactive), resume or a new address. Without SDP
    /// in a re-INVITE, the current answer goes as our offer.
    private func renegotiate(_ offer: DialogOffer) {
        guard let sdp = offer.sdp else { return offer.accept(answer: media.answer.text) }
        do {
            var renegotiated = media
            try renegotiated.renegotiate(SessionDescription(parsing: sdp))
            guard MediaParameters(renegotiated.negotiated)?.canProtect ?? true else { throw SDPError.noCommonCodec }
            media = renegotiated
            logger.debug("media renegotiated", metadata: ["call": "\(record.sid)", "direction": "\(media.negotiated.direction)"])
            if isAnswered, let parameters = mediaParameters() { session.start(parameters) }
            offer.accept(answer: media.answer.text)
        } catch {
            offer.reject(status: 488, reason: "Not Acceptable Here")
        }
    }

    /// The record's last state. The SIP side ends by itself: with the BYE, or with the ACK of
    /// the final response (which must be retransmitted until then).
    private func finish(_ status: CallStatus) async {
        record.endTime = clock.now()
        if record.startTime != nil { record.quality = CallQuality(await session.quality()) }
        await transition(to: status)
        CallMetrics.ended(record)
        logger.info("call ended", metadata: record.logMetadata)
        progress.report(.completed, record: record, at: clock.now())
    }

    func transition(to status: CallStatus) async {
        record.status = status
        await write(record)
    }

    private func write(_ snapshot: CallRecord) async {
        var stamped = snapshot
        stamped.dateUpdated = clock.now()
        do {
            try await calls.update(stamped)
        } catch {
            logger.error("could not update a call record", metadata: ["call": "\(record.sid)", "error": "\(error)"])
        }
    }
}
