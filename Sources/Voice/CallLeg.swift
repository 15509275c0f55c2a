import Foundation
import Logging
import Media
import SDP
import SIP
import Store

/// One inbound call leg: its SIP side (an INVITE and its dialog), its detail record (written
/// at every state change so that a crash loses nothing) and its application. It rings (180),
/// fetches the application's RCML, and answers once a usable document came back; the caller
/// may hang up (CANCEL) meanwhile.
///
/// Its RTP session starts at the answer (silence until verbs play something) and follows the
/// caller's re-INVITEs; RFC 4733 and INFO keys arrive as events; a caller who sends no RTP for
/// `--rtp-timeout` is hung up. Until the RCML interpreter lands, an answered leg holds the call
/// until either side hangs up; a leg whose application gave nothing usable is refused with
/// `500 Application Error` (Notifications say why).
actor CallLeg: ControllableLeg {
    private let call: IncomingCall
    private let application: WebhookTarget
    private let fetcher: RCMLFetcher
    private let calls: any CallRepository
    private let clock: any WallClock
    private let logger: Logger
    private var record: CallRecord
    private var media: LocalMedia
    private let session: MediaSession

    /// What the leg reacts to: its SIP side, and the answer of the application's web server.
    private enum Input {
        case sip(CallEvent)
        case document(RCMLFetcher.Fetched?)
        case media(MediaEvent)
    }

    init(
        call: IncomingCall, application: WebhookTarget, fetcher: RCMLFetcher, calls: any CallRepository,
        clock: any WallClock, logger: Logger, record: CallRecord, media: LocalMedia, session: MediaSession
    ) {
        self.session = session
        self.call = call
        self.application = application
        self.fetcher = fetcher
        self.calls = calls
        self.clock = clock
        self.logger = logger
        self.record = record
        self.media = media
    }

    var isAnswered: Bool { record.status == .inProgress }

    /// REST `Status=completed`: BYE to the caller; the record ends `completed` once it is sent.
    func hangUp() {
        call.hangUp()
    }

    /// Runs the leg to its end, reachable by its CallSid in `live` meanwhile.
    func run(registeringIn live: LiveCalls) async {
        live.add(record.sid, self)
        await run()
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
        call.respond(status: 180, reason: "Ringing")
        let (inputs, continuation) = AsyncStream<Input>.makeStream()
        let events = call.events
        let sip = Task {
            for await event in events { continuation.yield(.sip(event)) }
            continuation.finish()
        }
        let fetch = Task { [fetcher, application, parameters = webhookParameters()] in
            let fetched = await fetcher.fetch(application, parameters: parameters, account: record.accountSid, call: record.sid)
            continuation.yield(.document(fetched))
        }
        let mediaEvents = Task { [session] in
            for await event in session.events { continuation.yield(.media(event)) }
        }
        defer {
            sip.cancel()
            fetch.cancel()
            mediaEvents.cancel()
        }
        for await input in inputs {
            switch input {
            case .document(let fetched):
                guard fetched != nil else {
                    call.respond(status: 500, reason: "Application Error", headers: [("Warning", "399 parley \"no usable RCML\"")])
                    return await finish(.failed)
                }
                call.respond(status: 200, reason: "OK", sdp: media.answer.text)
                if let parameters = MediaParameters(media.negotiated) { session.start(parameters) }
                record.startTime = clock.now()
                await transition(to: .inProgress)
            case .sip(.hungUp):
                return await finish(.completed)
            case .sip(.canceled):
                return await finish(.canceled)
            case .sip(.acknowledgementTimedOut):
                return await finish(.failed)
            case .sip(.offer(let offer)):
                renegotiate(offer)
            case .sip(.dtmf(let key)):
                logger.debug("INFO DTMF", metadata: ["call": "\(record.sid)", "digit": "\(key.digit)"])
            case .media(.digit(let key)):
                logger.debug("RFC 4733 DTMF", metadata: ["call": "\(record.sid)", "digit": "\(key)"])
            case .media(.rtpTimeout):
                logger.notice("no RTP from the caller; hanging up", metadata: ["call": "\(record.sid)"])
                call.hangUp()
            case .media(.playbackFinished):
                continue
            case .sip(.acknowledged), .sip(.ringing), .sip(.answered), .sip(.rejected), .sip(.timedOut):
                continue  // the ACK needs nothing more; the others belong to outbound legs
            }
        }
        await finish(record.status == .inProgress ? .completed : .failed)
    }

    /// The parameters of every voice request (restcomm-compat §2.1).
    private func webhookParameters() -> [(String, String)] {
        [
            ("CallSid", record.sid.rawValue), ("AccountSid", record.accountSid.rawValue), ("From", record.from),
            ("To", record.to), ("CallStatus", record.status.rawValue), ("ApiVersion", "2010-04-01"),
            ("Direction", record.direction.rawValue), ("CallerName", record.callerName ?? "null"),
            ("ForwardedFrom", record.forwardedFrom ?? "null"),
        ]
    }

    /// A re-INVITE or UPDATE: hold (sendonly/inactive), resume or a new address. Without SDP
    /// in a re-INVITE, the current answer goes as our offer.
    private func renegotiate(_ offer: DialogOffer) {
        guard let sdp = offer.sdp else { return offer.accept(answer: media.answer.text) }
        do {
            try media.renegotiate(SessionDescription(parsing: sdp))
            logger.debug("media renegotiated", metadata: ["call": "\(record.sid)", "direction": "\(media.negotiated.direction)"])
            if isAnswered, let parameters = MediaParameters(media.negotiated) { session.start(parameters) }
            offer.accept(answer: media.answer.text)
        } catch {
            offer.reject(status: 488, reason: "Not Acceptable Here")
        }
    }

    /// The record's last state. The SIP side ends by itself: with the BYE, or with the ACK of
    /// the final response (which must be retransmitted until then).
    private func finish(_ status: CallStatus) async {
        record.endTime = clock.now()
        await transition(to: status)
    }

    private func transition(to status: CallStatus) async {
        record.status = status
        record.dateUpdated = clock.now()
        do {
            try await calls.update(record)
        } catch {
            logger.error("could not update a call record", metadata: ["call": "\(record.sid)", "error": "\(error)"])
        }
    }
}
