import Testing

@testable import Store

@Suite("SIDs")
struct SidTests {
    @Test("a SID is its prefix and 32 hex digits, stored lowercase")
    func parsesValidSids() throws {
        let sid = try #require(ApplicationSid("AP0123456789ABCDEF0123456789abcdef"))
        #expect(sid.rawValue == "AP0123456789abcdef0123456789abcdef")
    }

    @Test(
        "malformed SIDs are refused",
        arguments: [
            "", "AP", "AP0123456789abcdef0123456789abcde", "AP0123456789abcdef0123456789abcdef0",
            "CL0123456789abcdef0123456789abcdef", "AP0123456789abcdef0123456789abcdeg",
            "ap0123456789abcdef0123456789abcdef", "AP0123456789abcdef0123456789abcdé",
        ])
    func refusesMalformedSids(raw: String) {
        #expect(ApplicationSid(raw) == nil)
    }

    @Test("generated SIDs are well-formed and distinct")
    func generatesDistinctSids() {
        let sids = (0..<1000).map { _ in CallSid.generate() }
        #expect(Set(sids).count == 1000)
        #expect(sids.allSatisfy { CallSid($0.rawValue) == $0 })
    }
}
