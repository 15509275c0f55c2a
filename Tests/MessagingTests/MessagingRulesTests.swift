import Store
import Testing

@testable import Messaging

/// A mutating call outside the expectation macro, which cannot take `inout`.
private func take(_ rate: inout SendingRate, _ now: ContinuousClock.Instant) -> Bool { rate.take(now: now) }

@Suite("Message status and sending rate")
struct MessagingRulesTests {
    @Test("a message's status follows its parts' receipts: any failure decides, delivered once all are", arguments: [
        ([MessagePartOutcome?.some(.delivered)], MessageStatus?.some(.delivered)),
        ([.delivered, nil], nil),
        ([.delivered, .undelivered], .undelivered),
        ([nil, .failed], .failed),
        ([.undelivered, .failed], .failed),
        ([.delivered, .delivered, .delivered], .delivered),
    ])
    func partsDecide(parts: [MessagePartOutcome?], expected: MessageStatus?) {
        #expect(SMSService.status(of: parts) == expected)
    }

    @Test("the sending rate lets a second's worth through at once, then one every 1/rate seconds")
    func tokenBucket() {
        let start = ContinuousClock.now
        var rate = SendingRate(perSecond: 5, now: start)
        var taken = 0
        while rate.take(now: start) { taken += 1 }
        #expect(taken == 5)
        #expect(rate.nextToken(now: start) == start + .milliseconds(200))
        #expect(!take(&rate, start + .milliseconds(150)))
        #expect(take(&rate, start + .milliseconds(201)))
        // Idle time refills up to one second's worth, no more.
        let later = start + .seconds(10)
        taken = 0
        while rate.take(now: later) { taken += 1 }
        #expect(taken == 5)
    }

    @Test("a rate below one a second still lets one message through, then waits")
    func slowRate() {
        let start = ContinuousClock.now
        var rate = SendingRate(perSecond: 0.5, now: start)
        #expect(take(&rate, start))
        #expect(!take(&rate, start + .seconds(1)))
        #expect(take(&rate, start + .seconds(2)))
    }
}
