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

    @Test("the addresses of one IPv6 /64 count together; another /64 and IPv4-mapped addresses count apart")
    func groupsIPv6() {
        let throttle = LoginThrottle(limit: 2, window: 60)
        let now = Date(timeIntervalSince1970: 1_000)
        throttle.recordFailure("2001:db8:1:2::1", now: now)
        throttle.recordFailure("2001:db8:1:2:ffff::9", now: now)
        #expect(!throttle.allows("2001:db8:1:2:abcd::42", now: now))
        #expect(throttle.allows("2001:db8:1:3::1", now: now))
        #expect(throttle.allows("::ffff:198.18.0.7", now: now))
    }
}

@Suite("Login throttle backoff")
struct LoginThrottleBackoffTests {
    @Test("a source that reaches the limit again within the hour is refused twice as long each time, an hour at most")
    func doubles() {
        let throttle = LoginThrottle(limit: 2, window: 60)
        var now = Date(timeIntervalSince1970: 10_000)
        for refusal in [60.0, 120, 240, 480] {
            throttle.recordFailure("198.18.0.9", now: now)
            #expect(throttle.recordFailure("198.18.0.9", now: now))
            #expect(!throttle.allows("198.18.0.9", now: now.addingTimeInterval(refusal - 1)))
            #expect(throttle.allows("198.18.0.9", now: now.addingTimeInterval(refusal + 1)))
            now = now.addingTimeInterval(refusal + 1)
        }
        // After a quiet hour the count starts again.
        now = now.addingTimeInterval(3700)
        throttle.recordFailure("198.18.0.9", now: now)
        throttle.recordFailure("198.18.0.9", now: now)
        #expect(throttle.allows("198.18.0.9", now: now.addingTimeInterval(61)))
    }
}
