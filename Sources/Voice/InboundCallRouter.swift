import Foundation
import Logging
import SDP
import SIP
import SIPMessages
import Store
import Synchronization

/// Decides where an inbound INVITE goes (the SIP issue's routing): calls from the trunk (or
/// loopback) to a Belgian number reach the account holding it, if the number is bound to an
/// application. An unknown number gets 404, a number with no application 480, another source
/// 403, an offer without a common codec 488.
public struct InboundCallRouter: CallHandler {
    let numbers: any NumberRepository
    let calls: any CallRepository
    let trunkAddresses: Set<String>
    let negotiator: OfferAnswer
    let ports: MediaPortAllocator
    let clock: any WallClock
    let logger: Logger

    public init(
        numbers: any NumberRepository, calls: any CallRepository, trunkAddresses: Set<String>,
        localAddress: String, rtpPorts: ClosedRange<Int>, clock: any WallClock, logger: Logger
    ) {
        self.numbers = numbers
        self.calls = calls
        self.trunkAddresses = trunkAddresses
        self.negotiator = OfferAnswer(supported: [.pcmu, .pcma], localAddress: localAddress)
        self.ports = MediaPortAllocator(range: rtpPorts)
        self.clock = clock
        self.logger = logger
    }

    public func incoming(_ call: IncomingCall) async {
        guard trunkAddresses.contains(call.source.address) else {
            return refuse(call, 403, "Forbidden: not a trunk")
        }
        guard let user = SIPURI(call.request.uri)?.user, let e164 = BelgianNumberPlan.normalise(user) else {
            return refuse(call, 404, "Not Found")
        }
        let number: PhoneNumber?
        do {
            number = try await numbers.find(e164: e164)
        } catch {
            logger.error("number lookup failed", metadata: ["error": "\(error)"])
            return refuse(call, 500, "Server Internal Error")
        }
        guard let number, number.state == .reserved, let account = number.accountSid else {
            return refuse(call, 404, "Not Found")
        }
        guard number.routing.voiceApplicationSid != nil || number.routing.voiceUrl != nil else {
            return refuse(call, 480, "Temporarily Unavailable")
        }
        let answer: (SessionDescription, NegotiatedMedia)
        do {
            let offer = try SessionDescription(parsing: String(decoding: call.request.body, as: UTF8.self))
            answer = try negotiator.answer(offer, localPort: ports.next(), sessionID: String(UInt32.random(in: 1...UInt32.max)))
        } catch {
            return refuse(call, 488, "Not Acceptable Here")
        }
        let from = NameAddress(call.request.headers["From"] ?? "")
        let caller = from?.uri.user.map { BelgianNumberPlan.normalise($0) ?? $0 } ?? "anonymous"
        let leg = CallLeg(
            call: call, calls: calls, clock: clock, logger: logger,
            record: CallRecord(
                sid: .generate(), accountSid: account, to: e164, from: caller, status: .ringing, direction: .inbound,
                phoneNumberSid: number.sid, callerName: from?.displayName, sipCallID: call.request.headers["Call-ID"],
                dateCreated: clock.now(), dateUpdated: clock.now()),
            answer: answer.0.text)
        await leg.run()
    }

    private func refuse(_ call: IncomingCall, _ status: Int, _ reason: String) {
        call.respond(status: status, reason: reason)
    }
}

/// Even RTP ports from the configured range, in turn. The media engine will bind them.
final class MediaPortAllocator: Sendable {
    private let range: ClosedRange<Int>
    private let counter = Atomic<Int>(0)

    init(range: ClosedRange<Int>) {
        self.range = range
    }

    func next() -> Int {
        let slots = max(1, (range.upperBound - range.lowerBound + 1) / 2)
        let index = counter.wrappingAdd(1, ordering: .relaxed).oldValue
        return range.lowerBound + (index % slots) * 2 + (range.lowerBound % 2)
    }
}
