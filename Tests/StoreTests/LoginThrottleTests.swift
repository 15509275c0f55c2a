import Foundation
import Testing

@testable import Store

@Suite("Login throttle")
struct LoginThrottleTests {
    @Test("an address is refused after the limit and allowed again once the window passes")
    func throttles() async {
        let throttle = LoginThrottle(limit: 3, window: 60)
        let start = Date(timeIntervalSince1970: 1_000)
        #expect(throttle.allows("10.0.0.1", now: start))
        #expect(throttle.recordFailure("10.0.0.1", now: start) == false)
        #expect(throttle.recordFailure("10.0.0.1", now: start) == false)
        #expect(throttle.recordFailure("10.0.0.1", now: start) == true)
        #expect(throttle.allows("10.0.0.1", now: start.addingTimeInterval(1)) == false)
        #expect(throttle.allows("10.0.0.2", now: start.addingTimeInterval(1)))
        #expect(throttle.allows("10.0.0.1", now: start.addingTimeInterval(61)))
    }
}
