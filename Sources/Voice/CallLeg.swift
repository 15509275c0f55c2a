import Foundation
import Logging
import SIP
import Store

/// One call leg: its SIP side (an answered INVITE and its dialog) and its detail record, which
/// is written at every state change so that a crash loses nothing.
///
/// Until the RCML interpreter lands, an inbound leg to a bound number answers with an SDP for
/// G.711 and telephone-event and holds the call until the caller hangs up.
actor CallLeg {
    private let call: IncomingCall
    private let calls: any CallRepository
    private let clock: any WallClock
    private let logger: Logger
    private var record: CallRecord
    private let answer: String

    init(call: IncomingCall, calls: any CallRepository, clock: any WallClock, logger: Logger, record: CallRecord, answer: String) {
        self.call = call
        self.calls = calls
        self.clock = clock
        self.logger = logger
        self.record = record
        self.answer = answer
    }

    func run() async {
        do {
            try await calls.insert(record)
        } catch {
            logger.error("could not write a call record", metadata: ["error": "\(error)"])
            call.respond(status: 500, reason: "Server Internal Error")
            return
        }
        call.respond(status: 180, reason: "Ringing")
        call.respond(status: 200, reason: "OK", sdp: answer)
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
            }
        }
        await finish(.completed)
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
