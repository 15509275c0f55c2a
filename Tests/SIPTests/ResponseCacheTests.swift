import Testing

@testable import SIP

@Suite("Server transactions' response cache")
struct ResponseCacheTests {
    @Test("a flood of new branches fills the table to its capacity and no further; those kept still absorb retransmissions")
    func bounded() {
        let cache = ResponseCache(capacity: 3)
        for key in ["a", "b", "c", "d", "e"] {
            guard case .new = cache.begin(key) else {
                Issue.record("\(key) was taken for a retransmission")
                return
            }
            cache.complete(key, Array(key.utf8), keepFor: .seconds(32))
        }
        #expect(cache.count == 3)
        guard case .retransmission(let response) = cache.begin("a") else {
            Issue.record("a kept transaction was not recognised")
            return
        }
        #expect(response == Array("a".utf8))
        guard case .new = cache.begin("e") else {
            Issue.record("a transaction beyond the capacity was remembered")
            return
        }
    }
}
