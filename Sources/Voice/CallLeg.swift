import Foundation
import Logging
import SDP
import SIP
import Store

/// One call leg: its SIP side (an answered INVITE and its dialog) and its detail record, which
/// is written at every state change so that a crash loses nothing.
///
/// Until the RCML interpreter lands, an inbound leg to a bound number answers with an SDP for
/// G.711 and telephone-event and holds the call until the caller hangs up.
actor CallLeg: ControllableLeg {
    private let call: IncomingCall
    private let calls: any CallRepository
    private let clock: any WallClock
    private let logger: Logger
    private var record: CallRecord
    private var media: LocalMedia

    init(call: IncomingCall, calls: any CallRepository, clock: any WallClock, logger: Logger, record: CallRecord, media: LocalMedia) {
        self.call = call
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
        call.respond(status: 200, reason: "OK", sdp: media.answer.text)
        record.startTime = clock.now()
        await transition(to: .inProgress)
        for await event in call.events {
            switch event {
            case .acknowledged:
                continue
            case .hungUp:
                await finish(.completed)
                return
            case .canceled:
                await finish(.canceled)
                return
            case .acknowledgementTimedOut:
                await finish(.failed)
                return
            case .offer(let offer):
                renegotiate(offer)
            case .ringing, .answered, .rejected, .timedOut:
                continue  // outbound events; this leg answers an inbound call
            case .dtmf(let key):
                logger.debug("INFO DTMF", metadata: ["call": "\(record.sid)", "digit": "\(key.digit)"])
            }
        }
        await finish(.completed)
    }

    /// A re-INVITE or UPDATE: hold (sendonly/inactive), resume or a new address. Without SDP
    /// in a re-INVITE, the current answer goes as our offer.
    private func renegotiate(_ offer: DialogOffer) {
        guard let sdp = offer.sdp else { return offer.accept(answer: media.answer.text) }
        do {
            try media.renegotiate(SessionDescription(parsing: sdp))
            logger.debug("media renegotiated", metadata: ["call": "\(record.sid)", "direction": "\(media.negotiated.direction)"])
            offer.accept(answer: media.answer.text)
        } catch {
            offer.reject(status: 488, reason: "Not Acceptable Here")
        }
    }

    private func finish(_ status: CallStatus) async {
        record.endTime = clock.now()
        if status != .completed { record.startTime = record.startTime ?? record.endTime }
        await transition(to: status)
        call.end()
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
