import Testing

@testable import SIP
@testable import SIPMessages

@Suite("Trunks")
struct TrunksTests {
    @Test("a gateway's address brings PSTN calls in from any port; nothing else does, loopback included")
    func gatewayAddresses() throws {
        let trunks = Trunks(gateways: [try #require(SIPURI("sip:198.51.100.7:5070"))])
        #expect(trunks.admits(address: "198.51.100.7", port: 5070))
        #expect(trunks.admits(address: "198.51.100.7", port: 41000))
        #expect(trunks.admits(address: "::ffff:198.51.100.7", port: 5060))
        #expect(!trunks.admits(address: "127.0.0.1", port: 5070))
        #expect(!trunks.admits(address: "198.51.100.8", port: 5070))
        #expect(trunks.gateways.first?.destination == SIPDestination(host: "198.51.100.7", port: 5070))
    }

    @Test("a source names a block, or an address and the one port calls may come from")
    func sources() throws {
        let trunks = Trunks(
            gateways: [], sources: [try #require(Trunks.Source("198.18.0.0/24")), try #require(Trunks.Source("203.0.113.5:5060"))])
        #expect(trunks.admits(address: "198.18.0.77", port: 1234))
        #expect(!trunks.admits(address: "198.18.1.77", port: 1234))
        #expect(trunks.admits(address: "203.0.113.5", port: 5060))
        #expect(!trunks.admits(address: "203.0.113.5", port: 5061))
        #expect(Trunks.Source("gw.example.net") == nil)
    }

    @Test("a gateway given by name is reached once it resolves, and follows its name on refresh")
    func names() throws {
        let trunks = Trunks(gateways: [try #require(SIPURI("sip:localhost:5080"))])
        #expect(trunks.gateways.first?.destination == nil)
        #expect(!trunks.admits(address: "127.0.0.1", port: 5080))
        let changed = trunks.refresh()
        #expect(changed.count == 1)
        #expect(trunks.gateways.first?.addresses.contains("127.0.0.1") == true)
        #expect(trunks.admits(address: "127.0.0.1", port: 5080))
        #expect(trunks.refresh().isEmpty)
    }
}
